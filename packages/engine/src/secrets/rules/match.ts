/**
 * What a rule means, as executable reference: which files it applies to, and which strings in a text it
 * reports. The scanning engine (keyword prefilter, windows around hits, RE2, workers, masking) lives one
 * folder up and must give the same answers on the text it looks at; tests run every rule's examples here.
 */
import { shannonEntropy } from "./entropy.js";
import type { SecretRule } from "./schema.js";

export interface CompiledRule {
  rule: SecretRule;
  /** The rule regex with flags "g" (+ "i"), and "d" so the secret's own offsets are known. */
  regex: RegExp;
  allowlist: RegExp[];
  paths: RegExp[];
}

export interface SecretMatch {
  /** The secret (the rule's secretGroup). Callers must mask it before it leaves the process. */
  secret: string;
  /** Offsets of the secret in the text (UTF-16 code units, end exclusive). */
  start: number;
  end: number;
  /** Offsets of the whole regex match (includes context such as the key name). */
  matchStart: number;
  matchEnd: number;
}

export function compileRule(rule: SecretRule): CompiledRule {
  const ci = rule.caseInsensitive ? "i" : "";
  return {
    rule,
    regex: new RegExp(rule.regex, `dg${ci}`),
    allowlist: rule.allowlist.map((a) => new RegExp(a, ci)),
    paths: rule.paths.map((p) => new RegExp(p)),
  };
}

/** True when the text contains one of the rule's keywords (the prefilter). */
export function hasKeyword(rule: SecretRule, lowerCasedText: string): boolean {
  return rule.keywords.some((k) => lowerCasedText.includes(k));
}

/** True when the rule runs on this path (no `paths`: every path). */
export function appliesToPath(compiled: CompiledRule, path: string): boolean {
  return compiled.paths.length === 0 || compiled.paths.some((p) => p.test(path));
}

/** Whether a candidate secret survives the rule's entropy gate and allowlist. */
export function isReportable(compiled: CompiledRule, secret: string): boolean {
  const { entropy } = compiled.rule;
  if (entropy !== undefined && shannonEntropy(secret) < entropy) return false;
  return !compiled.allowlist.some((a) => a.test(secret));
}

/** Every secret the rule reports in `text` (keyword and path gates are the caller's). */
export function findSecrets(compiled: CompiledRule, text: string): SecretMatch[] {
  const found: SecretMatch[] = [];
  const group = compiled.rule.secretGroup;
  const re = new RegExp(compiled.regex); // own lastIndex: callers may share a CompiledRule
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0] === "") re.lastIndex++; // validation forbids empty matches; belt and braces against a loop
    const secret = m[group];
    const span = m.indices?.[group];
    if (secret === undefined || secret === "" || span === undefined) continue;
    if (!isReportable(compiled, secret)) continue;
    found.push({ secret, start: span[0], end: span[1], matchStart: m.index, matchEnd: m.index + m[0].length });
  }
  return found;
}
