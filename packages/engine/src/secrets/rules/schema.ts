/**
 * Secret rule files: Rampart's default set (default.yaml) and the files users add to extend or override it.
 *
 * ```yaml
 * version: 1
 * rules:
 *   - id: acme-api-key                 # kebab-case, unique, stable (baselines refer to it)
 *     title: ACME API key
 *     severity: high                   # critical | high | medium | low
 *     keywords: ["acme_"]              # literal, case-insensitive prefilter; at least one must be in the file
 *     regex: '\b(acme_[A-Za-z0-9]{32})\b'   # portable RE2 / JavaScript syntax (see regex-syntax.ts)
 *     caseInsensitive: false           # optional
 *     secretGroup: 1                   # optional capture group holding the secret (default: whole match)
 *     entropy: 3.5                     # optional minimum Shannon entropy of the secret, bits per character
 *     allowlist: ['^acme_x+$']         # optional regexes; a secret matching one is not reported
 *     paths: ['\.env$']                # optional regexes on the file path; the rule only runs where one matches
 *     tags: [saas]
 *     references: ['https://docs.acme.io/api-keys']
 *     examples: { positive: ['ACME_KEY=acme_...'], negative: ['acme_short'] }
 *   - id: jwt
 *     disabled: true                   # in a user file: switch a default rule off
 * ```
 *
 * Loading validates everything a rule needs to run the same on RE2 and JavaScript, and reports every problem
 * of a file at once, each with its line and rule id: a rule that silently never matches (or matches
 * everything) is worse than a scan that refuses to start.
 */
import { isMap, isSeq, LineCounter, type Node, parseDocument, type YAMLMap } from "yaml";
import { portabilityProblem } from "./regex-syntax.js";

/** The rule file format this build reads. Bumped when rules change incompatibly. */
export const RULES_FORMAT_VERSION = 1;

export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export type SecretSeverity = (typeof SEVERITIES)[number];

export interface SecretRuleExamples {
  /** Lines that must produce a finding (fake secrets generated to the format). */
  positive: string[];
  /** Near misses that must not. */
  negative: string[];
}

export interface SecretRule {
  id: string;
  title: string;
  severity: SecretSeverity;
  /** Lower-cased literals; a file containing none of them (case-insensitively) is never matched against `regex`. */
  keywords: string[];
  /** Pattern source, compiled with flags "g" (+ "i" when `caseInsensitive`). */
  regex: string;
  caseInsensitive: boolean;
  /** Capture group holding the secret; 0 is the whole match. */
  secretGroup: number;
  /** Minimum Shannon entropy (bits per character) of the secret; absent: no entropy gate. */
  entropy?: number;
  /** Regexes (same flags as the rule, without "g"); a secret matching any of them is a placeholder, not a finding. */
  allowlist: string[];
  /** Regexes on the file path (case-sensitive); when present the rule only runs on matching paths. */
  paths: string[];
  tags: string[];
  references: string[];
  examples: SecretRuleExamples;
  /** The file the rule was loaded from. */
  source: string;
}

export interface RuleSet {
  version: number;
  /** Where the rules came from: a file path, or several joined with " + " after merging. */
  source: string;
  rules: SecretRule[];
  /** Rule ids this file switches off (`disabled: true`); mergeRuleSets removes them from the base. */
  disabled: string[];
}

/** A rule file that cannot be used as it is: every problem found, each with file, line and rule id. */
export class RuleSetError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(
      problems.length === 1
        ? `${problems[0]}`
        : `${file}: ${problems.length} problems in secret rules:\n${problems.map((p) => `  ${p}`).join("\n")}`,
    );
    this.name = "RuleSetError";
  }
}

const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const URL_LIKE = /^https?:\/\/\S+$/;
const TOP_KEYS = new Set(["version", "rules"]);
const RULE_KEYS = new Set([
  "id",
  "title",
  "severity",
  "keywords",
  "regex",
  "caseInsensitive",
  "secretGroup",
  "entropy",
  "allowlist",
  "paths",
  "tags",
  "references",
  "examples",
  "disabled",
]);
const EXAMPLE_KEYS = new Set(["positive", "negative"]);
/** A keyword shorter than this would let almost every file through the prefilter. */
const MIN_KEYWORD_LENGTH = 2;
/** Aliases are handy for shared allowlists; the cap only guards against alias bombs. */
const MAX_ALIASES = 10_000;

/** Parses and validates a rule file. Throws RuleSetError listing every problem found. */
export function loadRuleSet(yamlText: string, source: string): RuleSet {
  const lines = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (node: Node | null | undefined): string => {
    const offset = node?.range?.[0];
    return offset === undefined ? source : `${source}:${lines.linePos(offset).line}`;
  };
  if (doc.errors.length > 0) {
    throw new RuleSetError(
      source,
      doc.errors.map((e) => `${source}:${lines.linePos(e.pos[0]).line}: invalid YAML: ${e.message.split("\n")[0]}`),
    );
  }
  const problems: string[] = [];
  const root = doc.contents;
  if (!isMap(root)) throw new RuleSetError(source, [`${source}: expected a mapping with "version" and "rules"`]);
  for (const pair of root.items) {
    const key = String((pair.key as { value?: unknown })?.value ?? pair.key);
    if (!TOP_KEYS.has(key))
      problems.push(`${at(pair.key as Node)}: unknown top-level key "${key}" (expected version, rules)`);
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    throw new RuleSetError(source, [`${source}: ${(e as Error).message}`]);
  }
  const top = data as { version?: unknown; rules?: unknown };
  const version = top.version;
  if (version === undefined)
    problems.push(`${source}: missing "version" (this build reads version ${RULES_FORMAT_VERSION})`);
  else if (!Number.isInteger(version) || (version as number) < 1) {
    problems.push(`${at(root.get("version", true) as Node)}: "version" must be a positive integer`);
  } else if ((version as number) !== RULES_FORMAT_VERSION) {
    problems.push(
      `${at(root.get("version", true) as Node)}: rule format version ${version} is not supported (this build reads version ${RULES_FORMAT_VERSION})`,
    );
  }

  const rulesNode = root.get("rules", true) as Node | undefined;
  const rules: SecretRule[] = [];
  const disabled: string[] = [];
  if (!Array.isArray(top.rules) || !isSeq(rulesNode)) {
    problems.push(`${source}: "rules" must be a list`);
  } else {
    const seen = new Map<string, string>();
    top.rules.forEach((raw, i) => {
      const node = rulesNode.items[i] as Node | undefined;
      const rule = checkRule(raw, isMap(node) ? node : undefined, at, at(node), source, problems);
      if (!rule) return;
      const where = seen.get(rule.id);
      if (where) {
        problems.push(`${at(node)}: rule "${rule.id}": duplicate id (first defined at ${where})`);
        return;
      }
      seen.set(rule.id, at(node));
      if ("disabledOnly" in rule) disabled.push(rule.id);
      else rules.push(rule);
    });
  }
  if (problems.length > 0) throw new RuleSetError(source, problems);
  return { version: version as number, source, rules, disabled };
}

type Checked = SecretRule | { id: string; disabledOnly: true };

function checkRule(
  raw: unknown,
  node: YAMLMap | undefined,
  at: (node: Node | null | undefined) => string,
  ruleAt: string,
  source: string,
  problems: string[],
): Checked | undefined {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    problems.push(`${ruleAt}: each rule must be a mapping`);
    return undefined;
  }
  const r = raw as Record<string, unknown>;
  const label = typeof r.id === "string" && r.id !== "" ? `rule "${r.id}"` : "rule without an id";
  const fieldAt = (key: string) => at((node?.get(key, true) as Node | undefined) ?? node);
  const bad = (key: string, message: string) => problems.push(`${fieldAt(key)}: ${label}: ${message}`);
  const before = problems.length;

  for (const key of Object.keys(r)) {
    if (!RULE_KEYS.has(key)) bad(key, `unknown field "${key}" (known: ${[...RULE_KEYS].join(", ")})`);
  }
  if (typeof r.id !== "string" || !ID.test(r.id)) {
    bad("id", `"id" must be kebab-case (lower-case letters, digits and single dashes), got ${JSON.stringify(r.id)}`);
    return undefined;
  }
  const id = r.id;
  if (r.disabled !== undefined && typeof r.disabled !== "boolean") bad("disabled", '"disabled" must be true or false');
  if (r.disabled === true) return problems.length === before ? { id, disabledOnly: true } : undefined;

  const title = requiredString(r, "title", bad);
  const severity = r.severity;
  if (!SEVERITIES.includes(severity as SecretSeverity)) {
    bad("severity", `"severity" must be one of ${SEVERITIES.join(", ")}, got ${JSON.stringify(severity)}`);
  }
  const keywords = stringList(r, "keywords", bad, true);
  for (const k of keywords) {
    if (k.trim().length < MIN_KEYWORD_LENGTH)
      bad("keywords", `keyword ${JSON.stringify(k)} is too short to prefilter anything`);
    if (k.toLowerCase().length !== k.length)
      bad("keywords", `keyword ${JSON.stringify(k)} changes length when lower-cased`);
  }
  const caseInsensitive = optionalBoolean(r, "caseInsensitive", bad) ?? false;
  const regex = requiredString(r, "regex", bad);
  let groups = -1;
  if (regex !== undefined) {
    const problem = regexProblem(regex, caseInsensitive);
    if (problem) bad("regex", `regex ${problem}`);
    else groups = captureGroups(regex);
  }
  let secretGroup = 0;
  if (r.secretGroup !== undefined) {
    if (!Number.isInteger(r.secretGroup) || (r.secretGroup as number) < 0) {
      bad("secretGroup", '"secretGroup" must be a non-negative integer');
    } else if (groups >= 0 && (r.secretGroup as number) > groups) {
      bad("secretGroup", `"secretGroup" is ${r.secretGroup} but the regex has ${groups} capture group(s)`);
    } else secretGroup = r.secretGroup as number;
  }
  let entropy: number | undefined;
  if (r.entropy !== undefined) {
    if (typeof r.entropy !== "number" || !(r.entropy > 0 && r.entropy <= 8)) {
      bad("entropy", '"entropy" must be a number of bits per character, above 0 and at most 8');
    } else entropy = r.entropy;
  }
  const allowlist = stringList(r, "allowlist", bad, false);
  allowlist.forEach((a) => {
    const problem = regexProblem(a, caseInsensitive);
    if (problem) bad("allowlist", `allowlist entry ${JSON.stringify(a)}: ${problem}`);
  });
  const paths = stringList(r, "paths", bad, false);
  paths.forEach((p) => {
    const problem = regexProblem(p, false);
    if (problem) bad("paths", `paths entry ${JSON.stringify(p)}: ${problem}`);
  });
  const tags = stringList(r, "tags", bad, false);
  const references = stringList(r, "references", bad, false);
  for (const ref of references)
    if (!URL_LIKE.test(ref)) bad("references", `reference ${JSON.stringify(ref)} is not an http(s) URL`);
  const examples = checkExamples(r.examples, bad);

  if (problems.length > before) return undefined;
  return {
    id,
    title: title as string,
    severity: severity as SecretSeverity,
    keywords: keywords.map((k) => k.toLowerCase()),
    regex: regex as string,
    caseInsensitive,
    secretGroup,
    ...(entropy !== undefined ? { entropy } : {}),
    allowlist,
    paths,
    tags,
    references,
    examples,
    source,
  };
}

/** Why `source` is not usable as a rule regex, or undefined. */
export function regexProblem(source: string, caseInsensitive: boolean): string | undefined {
  // Portability first: "(?i)" is better explained as "use caseInsensitive" than as JavaScript's "Invalid group".
  const portability = portabilityProblem(source);
  if (portability) return `uses ${portability}`;
  let compiled: RegExp;
  try {
    compiled = new RegExp(source, `g${caseInsensitive ? "i" : ""}`);
  } catch (e) {
    return `does not compile as a JavaScript RegExp: ${(e as Error).message}`;
  }
  if (new RegExp(`^(?:${compiled.source})$`, compiled.flags.replace("g", "")).test("")) {
    return "matches the empty string";
  }
  return undefined;
}

/** Number of capture groups in a (valid) regex source. */
export function captureGroups(source: string): number {
  return (new RegExp(`${source}|`).exec("") as RegExpExecArray).length - 1;
}

type Bad = (key: string, message: string) => void;

function requiredString(r: Record<string, unknown>, key: string, bad: Bad): string | undefined {
  const v = r[key];
  if (typeof v !== "string" || v.trim() === "") {
    bad(key, `"${key}" is required and must be a non-empty string`);
    return undefined;
  }
  return v;
}

function optionalBoolean(r: Record<string, unknown>, key: string, bad: Bad): boolean | undefined {
  const v = r[key];
  if (v === undefined) return undefined;
  if (typeof v !== "boolean") {
    bad(key, `"${key}" must be true or false`);
    return undefined;
  }
  return v;
}

function stringList(r: Record<string, unknown>, key: string, bad: Bad, required: boolean): string[] {
  const v = r[key];
  if (v === undefined && !required) return [];
  if (!Array.isArray(v) || (required && v.length === 0)) {
    bad(
      key,
      required ? `"${key}" is required and must be a non-empty list of strings` : `"${key}" must be a list of strings`,
    );
    return [];
  }
  const strings = v.filter((x): x is string => typeof x === "string" && x !== "");
  if (strings.length !== v.length) bad(key, `"${key}" must contain only non-empty strings`);
  return strings;
}

function checkExamples(v: unknown, bad: Bad): SecretRuleExamples {
  if (v === undefined) return { positive: [], negative: [] };
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    bad("examples", '"examples" must be a mapping with "positive" and "negative" lists');
    return { positive: [], negative: [] };
  }
  const e = v as Record<string, unknown>;
  for (const key of Object.keys(e)) if (!EXAMPLE_KEYS.has(key)) bad("examples", `unknown field "examples.${key}"`);
  const list = (key: "positive" | "negative"): string[] => {
    const x = e[key];
    if (x === undefined) return [];
    if (!Array.isArray(x) || x.some((s) => typeof s !== "string")) {
      bad("examples", `"examples.${key}" must be a list of strings`);
      return [];
    }
    return x as string[];
  };
  return { positive: list("positive"), negative: list("negative") };
}

/**
 * The rules in effect when `user` extends `base`: a user rule with a base rule's id replaces it (in place), a
 * user `disabled: true` removes it, new ids are added after the base rules. Disabling an id the base does not
 * have is reported through `warn` (it is most often a typo, or a rule renamed in a newer release).
 */
export function mergeRuleSets(base: RuleSet, user: RuleSet, warn: (message: string) => void = () => {}): RuleSet {
  if (user.version !== base.version) {
    throw new RuleSetError(user.source, [
      `${user.source}: rule format version ${user.version} cannot extend ${base.source} (version ${base.version})`,
    ]);
  }
  const byId = new Map(base.rules.map((rule) => [rule.id, rule]));
  const off = new Set<string>();
  for (const id of user.disabled) {
    if (byId.has(id)) off.add(id);
    else warn(`${user.source}: disables rule "${id}", which ${base.source} does not define`);
  }
  const replacements = new Map(user.rules.filter((rule) => byId.has(rule.id)).map((rule) => [rule.id, rule]));
  const rules = [
    ...base.rules.filter((rule) => !off.has(rule.id)).map((rule) => replacements.get(rule.id) ?? rule),
    ...user.rules.filter((rule) => !byId.has(rule.id)),
  ];
  return { version: base.version, source: `${base.source} + ${user.source}`, rules, disabled: [] };
}
