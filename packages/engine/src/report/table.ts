/**
 * The terminal table of `rampart scan`, in the manner of Trivy's and Grype's: a header naming the target and
 * the DB's age, then a section per scanner that ran. Vulnerabilities: one row per finding in the report's
 * order (risk first) and a summary by severity. Secrets: one row per finding with its rule, file and line,
 * layer and masked preview (never more of the secret than the scanner's preview), and a summary by severity.
 * Malware: one row per file a rule matched, with the rule, its class, the path ("archive!member" inside an
 * archive), layer and the start of the file's sha256 (what malware databases are searched by), and a summary.
 * Colour (plain ANSI SGR codes) only when asked: the caller knows whether stdout is a terminal.
 */
import { MALWARE_SEVERITIES, type MalwareFinding } from "../malware/types.js";
import type { Finding } from "../match/finding.js";
import { type ControlResult, POSTURE_SEVERITIES } from "../posture/control.js";
import { postureSummary } from "../posture/summary.js";
import { SEVERITIES, type Severity } from "../risk/types.js";
import type { SecretFinding } from "../secrets/types.js";
import type { ScanReport } from "./scan-report.js";
import {
  displayName,
  fixedText,
  malwareSeverityCounts,
  percent,
  printable,
  riskText,
  SECRET_SEVERITIES,
  secretPlace,
  secretSeverityCounts,
  severityCounts,
  shortLayer,
  shortSha256,
  shortTime,
  showsMalware,
  showsSecrets,
  showsVulns,
  targetText,
  truncate,
} from "./text.js";

const WHY_WIDTH = 60;
const HEADER = ["PACKAGE", "INSTALLED", "FIXED", "ID", "SEVERITY", "EPSS", "KEV", "RISK", "WHY"];

const SGR = {
  reset: "\x1b[0m",
  bold: "\x1b[1m",
  red: "\x1b[31m",
  yellow: "\x1b[33m",
  blue: "\x1b[34m",
  dim: "\x1b[2m",
};
const SEVERITY_STYLE: Record<Severity, string> = {
  critical: SGR.bold + SGR.red,
  high: SGR.red,
  medium: SGR.yellow,
  low: SGR.blue,
  negligible: SGR.dim,
  unknown: SGR.dim,
};

/** "3 days", "5 hours", "12 minutes" between the DB build and the scan. */
function age(from: string, to: string): string | undefined {
  const ms = Date.parse(to) - Date.parse(from);
  if (Number.isNaN(ms)) return undefined;
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return plural(minutes, "minute");
  if (minutes < 48 * 60) return plural(Math.floor(minutes / 60), "hour");
  return plural(Math.floor(minutes / (24 * 60)), "day");
}

function kevText(f: Finding): string {
  if (!f.kev) return "";
  return f.kev.ransomware ? "yes, ransomware" : "yes";
}

interface Cell {
  text: string;
  style?: string;
}

function row(f: Finding): Cell[] {
  const fixed = fixedText(f);
  return [
    { text: printable(displayName(f.package)) },
    { text: printable(f.package.version) },
    fixed ? { text: fixed } : { text: "(not fixed)", style: SGR.dim },
    { text: f.id },
    { text: f.severity.toUpperCase(), style: SEVERITY_STYLE[f.severity] },
    { text: f.epss ? percent(f.epss.score) : "" },
    { text: kevText(f), style: SGR.bold + SGR.red },
    { text: riskText(f.risk.score) },
    { text: truncate(f.risk.why, WHY_WIDTH) },
  ];
}

const SECRET_HEADER = ["SEVERITY", "RULE", "TITLE", "LOCATION", "LAYER", "PREVIEW"];
const TITLE_WIDTH = 40;

function secretRow(s: SecretFinding): Cell[] {
  return [
    { text: s.severity.toUpperCase(), style: SEVERITY_STYLE[s.severity] },
    { text: printable(s.ruleId) },
    { text: printable(truncate(s.title, TITLE_WIDTH)) },
    { text: printable(secretPlace(s)) },
    { text: shortLayer(s.layer) },
    // Already masked by the scanner: at most its first 4 and last 2 characters.
    { text: printable(s.preview) },
  ];
}

const MALWARE_HEADER = ["SEVERITY", "RULE", "CLASS", "PATH", "LAYER", "SHA256"];

function malwareRow(m: MalwareFinding): Cell[] {
  return [
    { text: m.severity.toUpperCase(), style: SEVERITY_STYLE[m.severity] },
    { text: printable(m.ruleId) },
    { text: printable(m.class ?? "") },
    { text: printable(m.path) },
    { text: shortLayer(m.layer) },
    { text: shortSha256(m.sha256) },
  ];
}

const POSTURE_HEADER = ["SEVERITY", "CONTROL", "TITLE", "FAILED", "EVIDENCE"];

/** A failed control: its first violation's evidence says why (the JSON and SARIF carry every one). */
function postureRow(r: ControlResult): Cell[] {
  const first = r.violations[0];
  const evidence = first ? `${first.subject}${first.evidence.length ? `: ${first.evidence.join("; ")}` : ""}` : "";
  return [
    { text: r.control.severity.toUpperCase(), style: SEVERITY_STYLE[r.control.severity] },
    { text: printable(r.control.id) },
    { text: printable(truncate(r.control.title, 60)) },
    { text: `${r.violations.length}/${r.subjects}` },
    { text: printable(truncate(evidence, 80)) },
  ];
}

/** Rows under a bold header, each column as wide as its widest cell; the last column is not padded. */
function grid(header: string[], rows: Cell[][], paint: (c: Cell) => string): string[] {
  const head = header.map((text) => ({ text, style: SGR.bold }));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as Cell).text.length)));
  return [head, ...rows].map((cells) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? paint(c) : paint(c) + " ".repeat((widths[i] as number) - c.text.length)))
      .join("  ")
      .trimEnd(),
  );
}

function vulnSection(report: ScanReport, paint: (c: Cell) => string): string[] {
  const out = [paint({ text: "Vulnerabilities", style: SGR.bold })];
  if (report.findings.length === 0) out.push("No vulnerabilities found");
  else out.push(...grid(HEADER, report.findings.map(row), paint));
  const counts = severityCounts(report.findings);
  const bySeverity = SEVERITIES.map((s) => `${s}: ${counts[s]}`).join(", ");
  const vex = report.suppressed.filter((s) => s.by === "vex").length;
  const ignored = report.suppressed.length - vex;
  out.push(
    "",
    `Total: ${report.findings.length} (${bySeverity}) · suppressed: ${report.suppressed.length} (VEX: ${vex}, ignore file: ${ignored})`,
  );
  return out;
}

function secretSection(report: ScanReport, paint: (c: Cell) => string): string[] {
  const secrets = report.secrets ?? [];
  const out = [paint({ text: "Secrets", style: SGR.bold })];
  if (secrets.length === 0) out.push("No secrets found");
  else out.push(...grid(SECRET_HEADER, secrets.map(secretRow), paint));
  const counts = secretSeverityCounts(secrets);
  const bySeverity = SECRET_SEVERITIES.map((s) => `${s}: ${counts[s]}`).join(", ");
  out.push("", `Secrets: ${secrets.length} (${bySeverity})`);
  return out;
}

function malwareSection(report: ScanReport, paint: (c: Cell) => string): string[] {
  const malware = report.malware ?? [];
  const out = [paint({ text: "Malware", style: SGR.bold })];
  if (malware.length === 0) out.push("No malware found");
  else out.push(...grid(MALWARE_HEADER, malware.map(malwareRow), paint));
  const counts = malwareSeverityCounts(malware);
  const bySeverity = MALWARE_SEVERITIES.map((s) => `${s}: ${counts[s]}`).join(", ");
  out.push("", `Malware: ${malware.length} (${bySeverity})`);
  return out;
}

function postureSection(report: ScanReport, paint: (c: Cell) => string): string[] {
  const p = report.posture;
  const out = [paint({ text: "Posture", style: SGR.bold })];
  if (!p) return [...out, "Not evaluated"];
  const failed = p.results
    .filter((r) => r.status === "fail")
    .sort(
      (a, b) =>
        POSTURE_SEVERITIES.indexOf(a.control.severity) - POSTURE_SEVERITIES.indexOf(b.control.severity) ||
        a.control.id.localeCompare(b.control.id),
    );
  if (failed.length === 0) out.push("No control failed");
  else out.push(...grid(POSTURE_HEADER, failed.map(postureRow), paint));
  const n = postureSummary(p);
  out.push(
    "",
    `Controls: ${p.results.length} (pass: ${n.pass}, fail: ${n.fail}, not applicable: ${n["not-applicable"]}, error: ${n.error})`,
  );
  for (const r of p.results.filter((x) => x.status === "error"))
    out.push(`  error ${r.control.id}: ${printable(r.reason ?? "")}`);
  for (const f of p.frameworks)
    out.push(
      `${f.title}: ${f.score === undefined ? "nothing applicable" : `${f.score}%`} (${f.passed} requirements pass, ${f.failed} fail)`,
    );
  return out;
}

export function renderScanTable(report: ScanReport, opts: { color?: boolean } = {}): string {
  const paint = (c: Cell): string => (opts.color && c.style && c.text ? `${c.style}${c.text}${SGR.reset}` : c.text);
  const header = [`Target: ${targetText(report)}`];
  // Package count and DB age say what the vulnerability scan stood on; secret and malware scans use neither.
  if (report.scanners.includes("vuln"))
    header.push(`${report.packageCount} package${report.packageCount === 1 ? "" : "s"}`);
  if (report.db && report.scanners.includes("vuln")) {
    const dbAge = age(report.db.builtAt, report.createdAt);
    header.push(`DB built ${shortTime(report.db.builtAt)}${dbAge ? ` (${dbAge} old)` : ""}`);
  }
  const sections: string[][] = [];
  if (showsVulns(report)) sections.push(vulnSection(report, paint));
  if (showsSecrets(report)) sections.push(secretSection(report, paint));
  if (showsMalware(report)) sections.push(malwareSection(report, paint));
  if (report.scanners.includes("posture")) sections.push(postureSection(report, paint));
  const out = [header.join(" · ")];
  for (const section of sections) out.push("", ...section);
  return `${out.join("\n")}\n`;
}
