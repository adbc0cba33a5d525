import { KeywordAutomaton } from "./prefilter.js";
import { compileRegex, compileSet, compileTest, type Regex } from "./regex.js";
import type { RuleSet, SecretRule, SecretSeverity } from "./rules/schema.js";
import type { Reach } from "./windows.js";

/** A rule ready to run: regexes compiled once per thread. */
export interface CompiledRule {
  index: number;
  id: string;
  title: string;
  severity: SecretSeverity;
  regex: Regex;
  /** Capture group holding the secret; 0 is the whole match. */
  secretGroup: number;
  entropy: number | undefined;
  allowlist: Regex[];
  /** True when the rule runs only on paths matching one of its `paths` regexes. */
  pathBound: boolean;
  /** Generic rules (tag "generic") give way to a specific rule that found the same secret. */
  generic: boolean;
  /** How far around a keyword hit this rule's regex looks. */
  reach: Reach;
}

export interface CompiledRules {
  rules: CompiledRule[];
  automaton: KeywordAutomaton;
  /** For each keyword index of the automaton, the indices of the rules that keyword triggers. */
  rulesByKeyword: Int32Array[];
  ruleIds: ReadonlySet<string>;
  /** 1 for rules with `paths` (they run only on matching paths), by rule index. */
  pathBound: Uint8Array;
  /** The rules that run on a path: all unbound rules, and bound rules one of whose `paths` matches. */
  activeRules(path: string): Uint8Array;
  /** Rules that could not be compiled, by id and reason (a rule file is user input). */
  warnings: string[];
}

/**
 * How far a rule's regex looks around a keyword hit. Keywords sit next to their secrets (`password: "…"`,
 * `ghp_…`), so: the hit's own line, up to 1 KB before the keyword and 4 KB after it (a long JWT), and whole
 * neighbouring lines within 256 bytes (a value on the line after its key). Small reaches keep common
 * keywords ("token", "secret") from making every rule that shares them read all of a large file.
 */
export const LINE_REACH: Reach = { before: 1024, after: 4096, neighbors: 256 };
/**
 * Rules whose secrets span lines (PEM and PGP blocks, PuTTY files) read 16 KB of neighbouring lines: an
 * 8192-bit RSA PEM is ~6.5 KB, a PGP private key with subkeys ~8 KB.
 */
export const BLOCK_REACH: Reach = { before: 1024, after: 4096, neighbors: 16 * 1024 };

/** A pattern that can match a line break on purpose: an explicit \n or \r, a [\s\S]-style class, or (?s). */
const SPANS_LINES = /\\n|\\r|\\s\\S|\\S\\s|\\w\\W|\\W\\w|\\d\\D|\\D\\d|\(\?[a-zA-Z]*s[a-zA-Z]*[:)]/;

/** Block rules: the pattern spans lines, or the rule's own examples do. */
function reachOf(rule: SecretRule): Reach {
  const multiLine = SPANS_LINES.test(rule.regex) || (rule.examples?.positive ?? []).some((e) => e.includes("\n"));
  return multiLine ? BLOCK_REACH : LINE_REACH;
}

export function compileRules(ruleSet: RuleSet): CompiledRules {
  const warnings: string[] = [];
  const rules: CompiledRule[] = [];
  const ruleKeywords: string[][] = [];
  const ids = new Set<string>();
  for (const rule of ruleSet.rules) {
    if (ids.has(rule.id)) {
      warnings.push(`secret rule ${rule.id}: defined twice; the first definition is used`);
      continue;
    }
    const keywords = (rule.keywords ?? []).filter((k) => k.length > 0);
    if (keywords.length === 0) {
      // Running a regex over whole files is what the prefilter exists to avoid.
      warnings.push(`secret rule ${rule.id}: no keywords; skipped (rules run only near one of their keywords)`);
      continue;
    }
    const compiled = compileRule(rule, rules.length, warnings);
    if (!compiled) continue;
    ids.add(rule.id);
    rules.push(compiled);
    ruleKeywords.push(keywords);
  }
  const automaton = new KeywordAutomaton(ruleKeywords.flat());
  const slot = new Map(automaton.keywords.map((k, i) => [k, i]));
  const byKeyword: number[][] = automaton.keywords.map(() => []);
  ruleKeywords.forEach((keywords, r) => {
    for (const k of new Set(keywords.map((w) => slot.get(foldKey(w))))) if (k !== undefined) byKeyword[k]?.push(r);
  });
  return {
    rules,
    automaton,
    rulesByKeyword: byKeyword.map((r) => Int32Array.from(r)),
    ruleIds: ids,
    pathBound: Uint8Array.from(rules, (r) => (r.pathBound ? 1 : 0)),
    activeRules: pathFilter(rules, ruleSet),
    warnings,
  };
}

/**
 * Per-path rule selection with every rule's path regexes in one RE2 set: one native call per file instead
 * of one per pattern (which, at ~100 patterns, cost more than scanning a small file).
 */
function pathFilter(rules: readonly CompiledRule[], ruleSet: RuleSet): (path: string) => Uint8Array {
  const base = new Uint8Array(rules.length);
  const sources: string[] = [];
  const ruleOf: number[] = [];
  const byId = new Map(ruleSet.rules.map((r) => [r.id, r]));
  for (const rule of rules) {
    if (!rule.pathBound) {
      base[rule.index] = 1;
      continue;
    }
    for (const p of byId.get(rule.id)?.paths ?? []) {
      sources.push(p);
      ruleOf.push(rule.index);
    }
  }
  if (sources.length === 0) return () => base;
  const set = compileSet(sources);
  return (path) => {
    const active = base.slice();
    for (const i of set.match(path)) active[ruleOf[i] as number] = 1;
    return active;
  };
}

const foldKey = (k: string) => k.replace(/[A-Z]/g, (c) => c.toLowerCase());

function compileRule(rule: SecretRule, index: number, warnings: string[]): CompiledRule | undefined {
  const fail = (what: string, e: unknown) => {
    warnings.push(`secret rule ${rule.id}: ${what} does not compile (${e instanceof Error ? e.message : String(e)})`);
  };
  let regex: Regex;
  try {
    regex = compileRegex(rule.regex, rule.caseInsensitive === true);
  } catch (e) {
    fail("regex", e);
    return undefined;
  }
  const allowlist: Regex[] = [];
  for (const a of rule.allowlist ?? []) {
    try {
      allowlist.push(compileTest(a, rule.caseInsensitive === true));
    } catch (e) {
      fail(`allowlist entry ${JSON.stringify(a)}`, e);
      return undefined;
    }
  }
  for (const p of rule.paths ?? []) {
    try {
      compileTest(p);
    } catch (e) {
      fail(`paths entry ${JSON.stringify(p)}`, e);
      return undefined;
    }
  }
  return {
    index,
    id: rule.id,
    title: rule.title,
    severity: rule.severity,
    regex,
    secretGroup: rule.secretGroup ?? 0,
    entropy: rule.entropy,
    allowlist,
    pathBound: (rule.paths ?? []).length > 0,
    generic: rule.tags?.includes("generic") === true,
    reach: reachOf(rule),
  };
}
