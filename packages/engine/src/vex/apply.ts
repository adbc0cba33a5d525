/**
 * Taking out the findings a VEX statement or an ignore rule covers. Matching never fails silently: every
 * statement and every rule that matched no finding is named in a warning (with the reason when it can be
 * told: no package URL, another image), and an expired rule is reported and not applied.
 *
 * A finding is identified by its id, aliases and advisory ids; its package by its purl and, for OS packages,
 * also by the source package it was matched on (VEX for Debian is written per source package: "openssl",
 * not "libssl3"). VEX comes first: the newest statement (by timestamp, then by order given) about a finding
 * decides; not_affected/fixed (OpenVEX) and not_affected/false_positive/resolved (CycloneDX) take it out,
 * affected/under_investigation keep it, and an ignore rule may still take out a finding VEX kept.
 */
import picomatch from "picomatch";
import type { Finding } from "../match/finding.js";
import type { SuppressedFinding } from "../report/scan-report.js";
import { type PurlKey, parsePurl, purlMatches } from "./purl-match.js";
import { formatVexReason } from "./reason.js";
import type { IgnoreRule, VexStatement } from "./types.js";

export interface SuppressionRules {
  ignores?: IgnoreRule[];
  vex?: VexStatement[];
}

export interface SuppressionOptions {
  /**
   * The purl of what was scanned (the image's pkg:oci purl). With it, a VEX statement about a product with
   * subcomponents applies only when the product is this subject, and one about the subject itself applies to
   * every package in it. Without it, subcomponents are matched on their own.
   */
  subject?: string;
}

export interface SuppressionResult {
  kept: Finding[];
  suppressed: SuppressedFinding[];
  warnings: string[];
}

const OS_TYPES = new Set(["deb", "apk", "rpm"]);

/** What a finding is known by. */
interface Target {
  ids: Set<string>;
  /** The package's purl, and for OS packages the source package it was matched on. */
  keys: PurlKey[];
  names: Set<string>;
  paths: string[];
}

function targetOf(f: Finding): Target {
  const ids = new Set([f.id, ...f.aliases, ...f.advisories].map((id) => id.toUpperCase()));
  const keys: PurlKey[] = [];
  const own = parsePurl(f.package.purl);
  const names = new Set([f.package.name.toLowerCase()]);
  if (own) {
    keys.push(own);
    names.add(own.name);
    if (own.namespace) {
      names.add(`${own.namespace}/${own.name}`);
      if (own.type === "maven") names.add(`${own.namespace}:${own.name}`);
    }
    const m = f.matchedOn;
    if (OS_TYPES.has(own.type) && m && (m.name.toLowerCase() !== own.name || m.version !== own.version)) {
      keys.push({ ...own, name: m.name.toLowerCase(), version: m.version });
    }
  }
  const paths = f.package.locations.flatMap((l) =>
    l.member?.length ? [l.path, [l.path, ...l.member].join("!/")] : [l.path],
  );
  return { ids, keys, names, paths };
}

const endOfDay = (date: string): number => Date.parse(`${date}T23:59:59.999Z`);

interface CompiledRule {
  rule: IgnoreRule;
  packages?: Array<{ purl: PurlKey } | { name: string }>;
  paths?: (path: string) => boolean;
}

function compileRule(rule: IgnoreRule): CompiledRule {
  const c: CompiledRule = { rule };
  if (rule.packages?.length) {
    c.packages = rule.packages.map((p) => {
      const purl = p.startsWith("pkg:") ? parsePurl(p) : undefined;
      return purl ? { purl } : { name: p.toLowerCase() };
    });
  }
  if (rule.paths?.length) c.paths = picomatch(rule.paths, { dot: true });
  return c;
}

function ruleMatches(c: CompiledRule, t: Target): boolean {
  if (!t.ids.has(c.rule.id.toUpperCase())) return false;
  if (
    c.packages &&
    !c.packages.some((p) => ("purl" in p ? t.keys.some((k) => purlMatches(p.purl, k)) : t.names.has(p.name)))
  )
    return false;
  if (c.paths && !t.paths.some((p) => c.paths?.(p))) return false;
  return true;
}

interface CompiledStatement {
  statement: VexStatement;
  order: number;
  time: number;
  ids: string[];
}

function statementIds(s: VexStatement): string[] {
  return [s.vulnerability, ...s.aliases].map((id) => id.toUpperCase());
}

/** Whether a statement's products cover the target's package, checking the product against the subject or not. */
function statementCovers(s: VexStatement, t: Target, subject: PurlKey | undefined, checkSubject: boolean): boolean {
  const isPackage = (purl: string | undefined): boolean => {
    const k = purl ? parsePurl(purl) : undefined;
    return !!k && t.keys.some((key) => purlMatches(k, key));
  };
  for (const product of s.products) {
    const productKey = product.purl ? parsePurl(product.purl) : undefined;
    const isSubject = !!subject && !!productKey && purlMatches(productKey, subject);
    if (product.subcomponents.length > 0) {
      const inScope = !checkSubject || !subject || !productKey || isSubject;
      if (inScope && product.subcomponents.some((c) => isPackage(c.purl))) return true;
    } else if (isPackage(product.purl) || isSubject) return true;
  }
  return false;
}

function describeStatement(s: VexStatement): string {
  const products = s.products.flatMap((p) => (p.subcomponents.length ? p.subcomponents.map((c) => c.id) : [p.id]));
  const where = s.format === "openvex" ? `statements[${s.index}]` : `vulnerabilities[${s.index}]`;
  return `VEX statement ${where} for ${s.vulnerability} (${products.join(", ")}) in ${s.file}`;
}

export function applySuppressions(
  findings: Finding[],
  rules: SuppressionRules,
  now: Date,
  opts: SuppressionOptions = {},
): SuppressionResult {
  const warnings: string[] = [];
  const subject = opts.subject ? parsePurl(opts.subject) : undefined;
  if (opts.subject && !subject) warnings.push(`the scanned subject ${opts.subject} is not a package URL`);

  const active: CompiledRule[] = [];
  for (const rule of rules.ignores ?? []) {
    if (rule.expires && now.getTime() > endOfDay(rule.expires)) {
      warnings.push(
        `ignore rule ${rule.id} (${rule.file}:${rule.line}) expired on ${rule.expires} and no longer applies`,
      );
    } else active.push(compileRule(rule));
  }
  const statements: CompiledStatement[] = (rules.vex ?? []).map((statement, order) => {
    const time = statement.timestamp ? Date.parse(statement.timestamp) : Number.NaN;
    return {
      statement,
      order,
      time: Number.isNaN(time) ? Number.NEGATIVE_INFINITY : time,
      ids: statementIds(statement),
    };
  });

  const usedRules = new Set<CompiledRule>();
  const usedStatements = new Set<CompiledStatement>();
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const finding of findings) {
    const t = targetOf(finding);
    let decisive: CompiledStatement | undefined;
    for (const s of statements) {
      if (!s.ids.some((id) => t.ids.has(id)) || !statementCovers(s.statement, t, subject, true)) continue;
      usedStatements.add(s);
      if (!decisive || s.time > decisive.time || (s.time === decisive.time && s.order > decisive.order)) decisive = s;
    }
    const matchingRules = active.filter((c) => ruleMatches(c, t));
    for (const c of matchingRules) usedRules.add(c);
    if (decisive?.statement.suppresses) {
      suppressed.push({
        finding,
        by: "vex",
        reason: formatVexReason(decisive.statement),
        file: decisive.statement.file,
      });
    } else if (matchingRules[0]) {
      const { rule } = matchingRules[0];
      suppressed.push({
        finding,
        by: "ignore-file",
        reason: rule.reason ?? "listed in the ignore file",
        file: rule.file,
      });
    } else kept.push(finding);
  }

  for (const c of active) {
    if (!usedRules.has(c)) warnings.push(`ignore rule ${c.rule.id} (${c.rule.file}:${c.rule.line}) matched no finding`);
  }
  const targets = statements.length > usedStatements.size ? findings.map(targetOf) : [];
  for (const s of statements) {
    if (usedStatements.has(s)) continue;
    const st = s.statement;
    let why = "";
    const purls = st.products.flatMap((p) => [p.purl, ...p.subcomponents.map((c) => c.purl)]).filter(Boolean);
    if (purls.length === 0) why = ": it names no package URL, and VEX products are matched by package URL";
    else if (targets.some((t) => s.ids.some((id) => t.ids.has(id)) && statementCovers(st, t, subject, false)))
      why = `: its product is not the scanned subject ${opts.subject}`;
    warnings.push(`${describeStatement(st)} matched no finding${why}`);
  }
  return { kept, suppressed, warnings };
}
