/**
 * Ignore files: the vulnerabilities a user has decided to accept, with why and until when.
 *
 * Rampart's YAML format:
 *
 * ```yaml
 * vulnerabilities:
 *   - id: CVE-2023-1234          # or any alias (GHSA, DSA, GO…)
 *     reason: "not reachable: we never parse untrusted YAML"
 *     expires: 2027-01-31        # optional: the last day the rule applies (UTC); after it, a warning
 *     packages: ["pkg:deb/debian/openssl", "lodash"]  # optional: purl without version/qualifiers, or a name
 *     paths: ["/app/**"]         # optional: globs on the paths the package was found at
 * ```
 *
 * Trivy's `.trivyignore.yaml` spellings are read too (`statement` for reason, `expired_at` for expires,
 * `purls` for packages), and its sections for other finding kinds (misconfigurations, secrets, licenses) are
 * skipped. Trivy's plain `.trivyignore` (one id a line, `# comments`, an optional `exp:YYYY-MM-DD` after the
 * id) is recognised by content: a file whose first entry is not a YAML `key:` is read as one.
 *
 * Any mistake (bad YAML, a missing id, a bad date, an unknown key, a purl that does not parse) is an error
 * naming the file and line: a rule that silently never matches is worse than a scan that stops.
 */
import { readFileSync } from "node:fs";
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLMap } from "yaml";
import { parsePurl } from "./purl-match.js";
import { SuppressionFileError } from "./suppression-error.js";
import type { IgnoreRule } from "./types.js";

/** An id as advisories write them: CVE-2021-44228, GHSA-jfh8-c2jp-5v3q, DSA-5343-1, GO-2023-2102, PYSEC-… */
const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const RULE_KEYS: Record<string, keyof IgnoreRule> = {
  id: "id",
  reason: "reason",
  statement: "reason",
  expires: "expires",
  expired_at: "expires",
  packages: "packages",
  purls: "packages",
  paths: "paths",
};
const OTHER_SECTIONS = new Set(["misconfigurations", "secrets", "licenses"]);

/** A calendar date check: "2027-02-30" is not one, though it has the shape. */
export function isDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

export function loadIgnoreFile(path: string): IgnoreRule[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new SuppressionFileError(path, `cannot read ignore file: ${(e as Error).message}`);
  }
  return parseIgnoreFile(text, path);
}

/** The first line that is neither blank nor a comment looks like a YAML mapping key. */
function looksLikeYaml(text: string): boolean {
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (t === "" || t.startsWith("#") || t === "---") continue;
    return /^[\w.-]+\s*:(\s|$)/.test(t);
  }
  return false;
}

export function parseIgnoreFile(text: string, file: string): IgnoreRule[] {
  return looksLikeYaml(text) ? parseYaml(text, file) : parseTrivyIgnore(text, file);
}

function parseTrivyIgnore(text: string, file: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const t = raw.replace(/(^|\s)#.*$/, "").trim();
    if (t === "") return;
    const [id, ...rest] = t.split(/\s+/);
    if (!id || !ID.test(id))
      throw new SuppressionFileError(file, `not a vulnerability id: ${JSON.stringify(id)}`, line);
    const rule: IgnoreRule = { id, file, line };
    for (const word of rest) {
      const exp = /^exp:(.*)$/.exec(word);
      if (!exp) throw new SuppressionFileError(file, `unexpected ${JSON.stringify(word)} after the id`, line);
      if (!isDate(exp[1] as string))
        throw new SuppressionFileError(file, `bad expiry date ${JSON.stringify(exp[1])}: use exp:YYYY-MM-DD`, line);
      rule.expires = exp[1];
    }
    rules.push(rule);
  });
  return rules;
}

function parseYaml(text: string, file: string): IgnoreRule[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const lineOf = (node: Node | null | undefined): number | undefined =>
    node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
  const firstError = doc.errors[0];
  if (firstError) {
    const line = lineCounter.linePos(firstError.pos[0]).line;
    const detail = firstError.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "");
    throw new SuppressionFileError(file, `invalid YAML: ${detail}`, line);
  }
  const root = doc.contents;
  if (!isMap(root)) throw new SuppressionFileError(file, "expected a mapping with a `vulnerabilities:` list", 1);
  const rules: IgnoreRule[] = [];
  let sawVulnerabilities = false;
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : "";
    if (OTHER_SECTIONS.has(key)) continue;
    if (key !== "vulnerabilities")
      throw new SuppressionFileError(file, `unknown key ${JSON.stringify(key)}`, lineOf(pair.key as Node));
    sawVulnerabilities = true;
    const list = pair.value as Node | null;
    if (list === null || (isScalar(list) && list.value === null)) continue;
    if (!isSeq(list)) throw new SuppressionFileError(file, "`vulnerabilities` must be a list", lineOf(list));
    for (const item of list.items) rules.push(yamlRule(item as Node, file, lineOf));
  }
  if (!sawVulnerabilities) throw new SuppressionFileError(file, "no `vulnerabilities:` list", 1);
  return rules;
}

function yamlRule(item: Node, file: string, lineOf: (n: Node | null | undefined) => number | undefined): IgnoreRule {
  const line = lineOf(item) ?? 1;
  if (!isMap(item)) throw new SuppressionFileError(file, "each entry must be a mapping with an `id`", line);
  const rule: Partial<IgnoreRule> = { file, line };
  for (const pair of (item as YAMLMap).items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : "";
    const at = lineOf(pair.key as Node) ?? line;
    const field = RULE_KEYS[key];
    if (!field) throw new SuppressionFileError(file, `unknown key ${JSON.stringify(key)} in an ignore rule`, at);
    const value = pair.value as Node | null;
    if (field === "packages" || field === "paths") {
      const list = stringList(value);
      if (!list) throw new SuppressionFileError(file, `\`${key}\` must be a list of strings`, at);
      if (field === "packages") for (const p of list) checkPackage(p, file, at);
      rule[field] = list;
      continue;
    }
    const text = isScalar(value) && typeof value.value === "string" ? value.value : undefined;
    if (text === undefined || text.trim() === "")
      throw new SuppressionFileError(file, `\`${key}\` must be a non-empty string`, at);
    if (field === "id" && !ID.test(text.trim()))
      throw new SuppressionFileError(file, `not a vulnerability id: ${JSON.stringify(text)}`, at);
    if (field === "expires") {
      // Trivy writes expired_at as a full timestamp at times; its date is what counts.
      const day = text.trim().slice(0, 10);
      if (!isDate(day)) throw new SuppressionFileError(file, `bad date ${JSON.stringify(text)}: use YYYY-MM-DD`, at);
      rule.expires = day;
    } else rule[field as "id" | "reason"] = text.trim();
  }
  if (!rule.id) throw new SuppressionFileError(file, "ignore rule without an `id`", line);
  return rule as IgnoreRule;
}

function stringList(value: Node | null): string[] | undefined {
  if (isScalar(value) && typeof value.value === "string") return [value.value];
  if (!isSeq(value)) return undefined;
  const out: string[] = [];
  for (const item of value.items) {
    if (!isScalar(item) || typeof item.value !== "string" || item.value.trim() === "") return undefined;
    out.push(item.value.trim());
  }
  return out;
}

function checkPackage(p: string, file: string, line: number): void {
  if (p.startsWith("pkg:") && !parsePurl(p))
    throw new SuppressionFileError(file, `not a package URL: ${JSON.stringify(p)}`, line);
}
