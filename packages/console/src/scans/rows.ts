import { randomUUID } from "node:crypto";
import {
  type Finding,
  type MalwareFinding,
  type PostureDocument,
  SEVERITIES,
  type SecretFinding,
  type Severity,
} from "@rampart/engine";
import { fingerprintOf } from "./fingerprint.js";
import type { FindingKind, FindingsTable } from "./tables.js";

/** What one scan found, as the engine reports it. */
export interface ScanResults {
  findings: Finding[];
  secrets?: SecretFinding[];
  malware?: MalwareFinding[];
  /** Every control evaluated; the failing ones become findings. */
  posture?: PostureDocument;
}

/** Counts the API shows with a scan without reading its findings. */
export interface ScanSummary {
  total: number;
  bySeverity: Record<Severity, number>;
  byKind: Record<FindingKind, number>;
  kev: number;
  fixable: number;
  /** Highest risk among the findings (0 when none). */
  maxRisk: number;
  /** Controls by status and each framework's score, when the posture scanner ran. */
  posture?: PostureSummaryBody;
}

/** A scan's posture at a glance: what the overview of every target's posture reads without the whole document. */
export interface PostureSummaryBody {
  controls: PostureDocument["summary"];
  frameworks: Array<Omit<PostureDocument["frameworks"][number], "requirements">>;
}

export function postureSummaryOf(p: PostureDocument): PostureSummaryBody {
  return { controls: p.summary, frameworks: p.frameworks.map(({ requirements: _, ...f }) => f) };
}

/** Where the findings were found, copied onto each row so filters never join back to the scan. */
export interface RowPlace {
  scanId: string;
  targetKey: string;
  nodeId: string | null;
  imageRef: string | null;
}

/**
 * Secrets, malware and failed posture controls have no vulnerability risk score; so that one list can be ranked, they get a nominal
 * score by severity, of the order the engine gives a vulnerability of that severity with exploitation likely
 * (a working credential or malware in an image is exploitable by definition).
 */
export const NOMINAL_RISK: Record<"critical" | "high" | "medium" | "low", number> = {
  critical: 90,
  high: 70,
  medium: 40,
  low: 15,
};

const weightOf = (s: string) => {
  const i = SEVERITIES.indexOf(s as Severity);
  return i < 0 ? 0 : SEVERITIES.length - 1 - i;
};

type Row = FindingsTable;

/**
 * One row per finding, with the columns every filter and sort reads. Two findings with one fingerprint in one
 * scan (the same secret twice on a line) are one row: the first is kept.
 */
export function findingRows(place: RowPlace, results: ScanResults): Row[] {
  const rows = new Map<string, Row>();
  const base = (kind: FindingKind, fingerprint: string, severity: string, body: unknown) => ({
    id: randomUUID(),
    scan_id: place.scanId,
    target_key: place.targetKey,
    kind,
    fingerprint,
    severity,
    severity_weight: weightOf(severity),
    node_id: place.nodeId,
    image_ref: place.imageRef,
    body: JSON.stringify(body),
  });
  const add = (r: Row) => {
    if (!rows.has(r.fingerprint)) rows.set(r.fingerprint, r);
  };
  for (const f of results.findings)
    add({
      ...base("vuln", fingerprintOf({ kind: "vuln", finding: f }), f.severity, f),
      risk: f.risk.score,
      kev: f.kev ? 1 : 0,
      epss: f.epss?.score ?? -1,
      fixable: f.fixState === "fixed" ? 1 : 0,
      published: f.published ?? "",
      cve_id: f.id,
      package_name: f.package.name,
      package_version: f.package.version,
      purl: f.package.purl,
      path: f.package.locations[0]?.path ?? null,
    });
  const nonVuln = { kev: 0, epss: -1, fixable: 0, published: "", cve_id: null, package_version: null, purl: null };
  for (const s of results.secrets ?? [])
    add({
      ...base("secret", fingerprintOf({ kind: "secret", finding: s }), s.severity, s),
      ...nonVuln,
      risk: NOMINAL_RISK[s.severity],
      package_name: null,
      path: s.path,
    });
  for (const m of results.malware ?? [])
    add({
      ...base("malware", fingerprintOf({ kind: "malware", finding: m }), m.severity, m),
      ...nonVuln,
      risk: NOMINAL_RISK[m.severity],
      package_name: null,
      path: m.path,
    });
  for (const c of results.posture?.controls ?? [])
    if (c.status === "fail")
      add({
        ...base("posture", fingerprintOf({ kind: "posture", finding: c }), c.severity, c),
        ...nonVuln,
        risk: NOMINAL_RISK[c.severity],
        package_name: null,
        path: c.violations[0]?.location?.path ?? null,
      });
  return [...rows.values()];
}

export function summarize(rows: readonly Row[]): ScanSummary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byKind: Record<FindingKind, number> = { vuln: 0, secret: 0, malware: 0, posture: 0 };
  let kev = 0;
  let fixable = 0;
  let maxRisk = 0;
  for (const r of rows) {
    bySeverity[r.severity as Severity]++;
    byKind[r.kind]++;
    kev += r.kev;
    fixable += r.fixable;
    maxRisk = Math.max(maxRisk, r.risk);
  }
  return { total: rows.length, bySeverity, byKind, kev, fixable, maxRisk };
}
