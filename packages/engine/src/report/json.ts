/**
 * The scan report as JSON: the ScanReport itself with `schemaVersion` first and a fixed key order, so equal
 * reports give byte-equal output. `scanners` says which scanners ran; `secrets` (masked findings, never a whole
 * secret) is there when the secret scanner ran, `malware` (files that matched malware rules, with each rule's
 * metadata and the file's sha256) when the malware scanner ran. The shape is documented by schema/scan-report.schema.json; a change to it
 * that is not additive bumps SCAN_REPORT_SCHEMA_VERSION.
 */
import type { MalwareFinding } from "../malware/types.js";
import type { PostureReport } from "../posture/control.js";
import { postureDocument } from "../posture/document.js";
import type { ScanReport } from "./scan-report.js";

export const SCAN_REPORT_SCHEMA_VERSION = 1;

const ORDER: Record<string, readonly string[]> = {
  report: [
    "schemaVersion",
    "tool",
    "createdAt",
    "scanners",
    "source",
    "distro",
    "packageCount",
    "db",
    "findings",
    "secrets",
    "malware",
    "posture",
    "suppressed",
    "warnings",
  ],
  source: ["kind", "name", "transport", "imageId", "manifestDigest", "tags", "architecture", "os", "layers"],
  distro: ["id", "versionId", "codename", "prettyName", "idLike", "distroless"],
  db: ["schemaVersion", "builtAt", "feeds"],
  feed: ["name", "dataAsOf", "importedAt", "records"],
  finding: [
    "id",
    "aliases",
    "advisories",
    "package",
    "matchedOn",
    "fixState",
    "fixedVersions",
    "severity",
    "severitySource",
    "vendorSeverity",
    "cvss",
    "epss",
    "kev",
    "title",
    "description",
    "published",
    "modified",
    "references",
    "risk",
  ],
  package: ["name", "version", "type", "purl", "locations"],
  location: ["path", "member", "layer"],
  matchedOn: ["ecosystem", "name", "version"],
  cvss: ["version", "vector", "baseScore", "severity", "source"],
  epss: ["score", "percentile", "date"],
  kev: ["dateAdded", "dueDate", "ransomware", "vulnerabilityName", "requiredAction"],
  risk: ["score", "why", "factors", "ssvc"],
  ssvc: ["tree", "outcome", "dueDate", "inputs"],
  suppressed: ["by", "reason", "file", "finding"],
  secret: [
    "ruleId",
    "title",
    "severity",
    "path",
    "layer",
    "line",
    "column",
    "preview",
    "fingerprint",
    "entropy",
    "snippet",
  ],
  // Rule first, then where the file is and what it is; the rule's whole meta and the pattern hits last.
  malware: [
    "ruleId",
    "pack",
    "severity",
    "class",
    "description",
    "author",
    "reference",
    "tags",
    "path",
    "layer",
    "archive",
    "sha256",
    "size",
    "meta",
    "hits",
  ],
  archive: ["archive", "archiveSha256", "member"],
  hit: ["identifier", "offset", "length"],
  control: [
    "id",
    "title",
    "platform",
    "severity",
    "level",
    "status",
    "subjects",
    "reason",
    "violations",
    "rationale",
    "remediation",
    "frameworks",
    "references",
    "origin",
  ],
  violation: ["subject", "evidence", "location"],
  framework: ["id", "title", "score", "passed", "failed", "notApplicable", "requirements"],
  requirement: ["id", "status", "controls"],
};

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A copy with the keys in `order` first and the rest alphabetical, undefined values dropped. */
function ordered(value: unknown, order: readonly string[] = []): Record<string, unknown> {
  const obj = value as Record<string, unknown>;
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort((a, b) => rank(a) - rank(b) || cmp(a, b));
  return Object.fromEntries(keys.map((k) => [k, sortDeep(obj[k])]));
}

/** Objects below the named records (SSVC inputs, risk factors): alphabetical. */
function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (typeof value !== "object" || value === null) return value;
  return ordered(value);
}

function findingJson(f: ScanReport["findings"][number]): Record<string, unknown> {
  const out = ordered(f, ORDER.finding);
  out.package = {
    ...ordered(f.package, ORDER.package),
    locations: f.package.locations.map((l) => ordered(l, ORDER.location)),
  };
  out.matchedOn = ordered(f.matchedOn, ORDER.matchedOn);
  out.cvss = f.cvss.map((c) => ordered(c, ORDER.cvss));
  if (f.epss) out.epss = ordered(f.epss, ORDER.epss);
  if (f.kev) out.kev = ordered(f.kev, ORDER.kev);
  const risk = ordered(f.risk, ORDER.risk);
  if (f.risk.ssvc) risk.ssvc = ordered(f.risk.ssvc, ORDER.ssvc);
  out.risk = risk;
  return out;
}

/** A malware finding with its keys in order; the rule's meta keys alphabetical (JSON objects have no order to keep). */
function malwareJson(m: MalwareFinding): Record<string, unknown> {
  const out = ordered(m, ORDER.malware);
  if (m.archive) out.archive = ordered(m.archive, ORDER.archive);
  out.hits = m.hits.map((h) => ordered(h, ORDER.hit));
  return out;
}

/** Posture: each control flattened with its result (the CEL expressions stay in the control files). */
function postureJson(p: PostureReport): Record<string, unknown> {
  const doc = postureDocument(p);
  return {
    platforms: doc.platforms,
    summary: ordered(doc.summary),
    controls: doc.controls.map((c) => ({
      ...ordered(c, ORDER.control),
      violations: c.violations.map((v) => ordered(v, ORDER.violation)),
    })),
    frameworks: doc.frameworks.map((f) => ({
      ...ordered(f, ORDER.framework),
      requirements: f.requirements.map((q) => ordered(q, ORDER.requirement)),
    })),
  };
}

/** The report as a plain object in output order (what renderScanJson prints). */
export function scanReportJson(report: ScanReport): Record<string, unknown> {
  const doc = ordered({ ...report, schemaVersion: SCAN_REPORT_SCHEMA_VERSION }, ORDER.report);
  doc.source = ordered(report.source, ORDER.source);
  if (report.distro) doc.distro = ordered(report.distro, ORDER.distro);
  if (report.db)
    doc.db = { ...ordered(report.db, ORDER.db), feeds: report.db.feeds.map((f) => ordered(f, ORDER.feed)) };
  doc.findings = report.findings.map(findingJson);
  doc.suppressed = report.suppressed.map((s) => ({ ...ordered(s, ORDER.suppressed), finding: findingJson(s.finding) }));
  // A secret scan that found nothing says so with an empty list; without the scanner there is no key at all.
  const secrets = report.secrets ?? (report.scanners.includes("secret") ? [] : undefined);
  if (secrets) doc.secrets = secrets.map((s) => ordered(s, ORDER.secret));
  const malware = report.malware ?? (report.scanners.includes("malware") ? [] : undefined);
  if (malware) doc.malware = malware.map(malwareJson);
  if (report.posture) doc.posture = postureJson(report.posture);
  return doc;
}

export function renderScanJson(report: ScanReport): string {
  return `${JSON.stringify(scanReportJson(report), null, 2)}\n`;
}
