/** Wording shared by the scan report formats: package names, fixes, targets, counts. */
import { PackageURL } from "packageurl-js";
import { MALWARE_SEVERITIES, type MalwareFinding, type MalwareSeverity } from "../malware/types.js";
import type { Finding, FindingPackage } from "../match/finding.js";
import { SEVERITIES, type Severity } from "../risk/types.js";
import { subjectNameVersion } from "../sbom/subject.js";
import type { SecretFinding } from "../secrets/types.js";
import type { ScanReport } from "./scan-report.js";

export type SecretSeverity = SecretFinding["severity"];

/** Secret severities, highest first. */
export const SECRET_SEVERITIES: readonly SecretSeverity[] = ["critical", "high", "medium", "low"];

/**
 * Whether the report has a vulnerability section: the scanner ran, or (a report put together by hand)
 * there are findings that would otherwise go unseen.
 */
export const showsVulns = (r: ScanReport): boolean =>
  r.scanners.includes("vuln") || r.findings.length > 0 || r.suppressed.length > 0;

/** Whether the report has a secrets section: as showsVulns, for the secret scanner. */
export const showsSecrets = (r: ScanReport): boolean => r.scanners.includes("secret") || (r.secrets?.length ?? 0) > 0;

/** Whether the report has a malware section: as showsVulns, for the malware scanner. */
export const showsMalware = (r: ScanReport): boolean => r.scanners.includes("malware") || (r.malware?.length ?? 0) > 0;

/** How many items have each severity of `severities`, every one of them present (0 when none). */
export function countBySeverity<S extends string>(
  items: readonly { severity: S }[],
  severities: readonly S[],
): Record<S, number> {
  const counts = Object.fromEntries(severities.map((s) => [s, 0])) as Record<S, number>;
  for (const item of items) counts[item.severity]++;
  return counts;
}

export const secretSeverityCounts = (secrets: readonly SecretFinding[]): Record<SecretSeverity, number> =>
  countBySeverity(secrets, SECRET_SEVERITIES);

export const malwareSeverityCounts = (malware: readonly MalwareFinding[]): Record<MalwareSeverity, number> =>
  countBySeverity(malware, MALWARE_SEVERITIES);

/** What a malware finding is: the rule's description, or its id when the rule has none. */
export const malwareTitle = (m: MalwareFinding): string => m.description ?? `Matched the malware rule ${m.ruleId}`;

/** What to do about a malware finding, as every format says it. */
export const MALWARE_FIX =
  "find out how the file got there, remove it and rebuild from a trusted source; if it ran, treat the systems that ran it as compromised";

/** "/app/config/.env:3". */
export const secretPlace = (s: SecretFinding): string => `${s.path}:${s.line}`;

/** A sha256 (bare hex or "sha256:…") as `docker history` shortens image ids: the first 12 hex digits. */
export const shortSha256 = (digest: string): string => digest.replace(/^sha256:/, "").slice(0, 12);

/** A layer diffID, shortened as shortSha256; empty without a layer. */
export const shortLayer = (diffId: string | undefined): string => (diffId ? shortSha256(diffId) : "");

/** Control characters (from file names in an image, say) would garble a terminal or a report line. */
export const printable = (text: string): string => text.replace(/\p{Cc}/gu, "?");

/** The name people search for: "group:artifact" for Maven, "@scope/name" for npm, the module path for Go. */
export function displayName(p: FindingPackage): string {
  try {
    const purl = PackageURL.fromString(p.purl);
    if (!purl.namespace) return p.name;
    if (purl.type === "maven") return `${purl.namespace}:${purl.name}`;
    if (purl.type === "npm" || purl.type === "golang") return `${purl.namespace}/${purl.name}`;
  } catch {
    // A purl that does not parse: the package name is still right.
  }
  return p.name;
}

/** "2.15.0" or "2.3.1, 2.12.2, 2.15.0"; empty when there is no fix. */
export const fixedText = (f: Finding): string => f.fixedVersions.join(", ");

/** "fixed in 2.15.0" / "no fix available". */
export const fixSentence = (f: Finding): string =>
  f.fixedVersions.length ? `fixed in ${fixedText(f)}` : "no fix available";

/** What was scanned, as one line: "docker.io/lab/vuln-app:1.0 (Debian GNU/Linux 11 (bullseye))". */
export function targetText(r: ScanReport): string {
  const { name, version } = subjectNameVersion(r.source);
  const subject = r.source.kind === "image" && version && !version.startsWith("sha256:") ? `${name}:${version}` : name;
  const distro = r.distro ? (r.distro.prettyName ?? [r.distro.id, r.distro.versionId].filter(Boolean).join(" ")) : "";
  return distro ? `${subject} (${distro})` : subject;
}

export const severityCounts = (findings: readonly Finding[]): Record<Severity, number> =>
  countBySeverity(findings, SEVERITIES);

/** An EPSS probability as a percentage: "94.4%", "<0.1%". */
export function percent(score: number): string {
  const p = score * 100;
  if (p > 0 && p < 0.1) return "<0.1%";
  if (p > 99.9 && p < 100) return ">99.9%";
  return `${p.toFixed(1)}%`;
}

/** A risk score as printed: whole numbers as they are, others to one decimal. */
export const riskText = (score: number): string => (Number.isInteger(score) ? String(score) : score.toFixed(1));

/** An ISO time as "2026-08-16 06:00 UTC"; other text unchanged. */
export function shortTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?Z$/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

/** Cut to `max` characters, ending with "…" when cut. */
export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/** The advisory page for an id: NVD for CVEs, GitHub for GHSAs, OSV for the rest. */
export function advisoryUrl(id: string): string {
  if (/^CVE-\d{4}-\d+$/.test(id)) return `https://nvd.nist.gov/vuln/detail/${id}`;
  if (/^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/.test(id)) return `https://github.com/advisories/${id}`;
  return `https://osv.dev/vulnerability/${encodeURIComponent(id)}`;
}

/** The highest CVSS base score of a finding, if it has any vector. */
export function maxCvss(f: Finding): number | undefined {
  return f.cvss.length ? Math.max(...f.cvss.map((c) => c.baseScore)) : undefined;
}
