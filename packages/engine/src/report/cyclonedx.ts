/**
 * The scan report as a CycloneDX 1.6 BOM with vulnerabilities (a BOM with embedded VEX). Components come from
 * the SBOM writer (sbom/cyclonedx.ts), for the whole inventory when the caller has it and else for the
 * affected packages; each vulnerability points at them by bom-ref. CycloneDX has no EPSS or KEV fields (its
 * rating methods are CVSS, OWASP, SSVC and "other"), so those go in `rampart:`-prefixed properties.
 * Suppressed findings carry an `analysis`: the VEX status mapped to CycloneDX's states; an ignore-file entry
 * is a decision to accept, not a claim about exploitability, so it gets only a detail, no state.
 *
 * Secrets stay out of the BOM; the metadata carries only how many there are (`rampart:secrets`, and by
 * severity `rampart:secrets:critical`…), when the secret scanner ran. CycloneDX 1.6 has no object for a
 * leaked credential, and the ones it has would mislead: a `vulnerability` is a known weakness of a component
 * with an advisory id, and tools that read BOMs (Dependency-Track and the like) would file a credential as
 * one. A property per finding would fit the schema, but a BOM is an inventory that travels further than a
 * scan report (to customers, into attestations and registries), and a list of where the credentials sit,
 * even masked, does not belong in it. The count says "look at this image's secret report"; the SARIF, JSON,
 * table and JUnit outputs carry the masked findings.
 * Malware findings stay out the same way, counted in `rampart:malware` and `rampart:malware:<severity>` when the
 * malware scanner ran: a flagged file is not a component (listing it would tell BOM readers the image ships it
 * as part of its inventory) and a YARA match is not an advisory about one. The other formats carry the files,
 * rules and hashes.
 * Posture results likewise: `rampart:posture:<status>` counts and `rampart:posture:<framework>:score`, when the
 * posture scanner ran — a failed control is configuration, not a component's vulnerability.
 * When the vulnerability scanner did not run, the BOM has no `vulnerabilities` key: an empty list would say
 * "none found".
 */
import { PackageURL } from "packageurl-js";
import { MALWARE_SEVERITIES } from "../malware/types.js";
import type { Finding } from "../match/finding.js";
import type { Package } from "../package/package.js";
import { postureSummary } from "../posture/summary.js";
import type { Severity } from "../risk/types.js";
import { toCycloneDx } from "../sbom/cyclonedx.js";
import type { Inventory } from "../sbom/inventory.js";
import { parseVexReason } from "../vex/reason.js";
import type { ScanReport, SuppressedFinding } from "./scan-report.js";
import {
  advisoryUrl,
  displayName,
  fixedText,
  malwareSeverityCounts,
  SECRET_SEVERITIES,
  secretSeverityCounts,
  showsMalware,
  showsSecrets,
  showsVulns,
} from "./text.js";

type Json = Record<string, unknown>;

export interface ScanCycloneDxOptions {
  /** The full inventory the scan matched: with it, the BOM lists every package, not only affected ones. */
  inventory?: Inventory;
  serialNumber?: string;
}

const METHOD: Record<string, string> = { "2.0": "CVSSv2", "3.0": "CVSSv3", "3.1": "CVSSv31", "4.0": "CVSSv4" };
/** CycloneDX severities: "negligible" (a distro's "unimportant") is its "info". */
const CDX_SEVERITY: Record<Severity, string> = {
  critical: "critical",
  high: "high",
  medium: "medium",
  low: "low",
  negligible: "info",
  unknown: "unknown",
};
/** OpenVEX status → CycloneDX analysis.state; CycloneDX states map to themselves. */
const STATE: Record<string, string> = {
  not_affected: "not_affected",
  fixed: "resolved",
  affected: "exploitable",
  under_investigation: "in_triage",
  false_positive: "false_positive",
  resolved: "resolved",
  resolved_with_pedigree: "resolved_with_pedigree",
  exploitable: "exploitable",
  in_triage: "in_triage",
};
/** OpenVEX justification → CycloneDX justification, as CISA's VEX status justifications line them up. */
const JUSTIFICATION: Record<string, string> = {
  component_not_present: "code_not_present",
  vulnerable_code_not_present: "code_not_present",
  vulnerable_code_not_in_execute_path: "code_not_reachable",
  vulnerable_code_cannot_be_controlled_by_adversary: "requires_environment",
  inline_mitigations_already_exist: "protected_by_mitigating_control",
};
const CDX_JUSTIFICATIONS = new Set([
  "code_not_present",
  "code_not_reachable",
  "requires_configuration",
  "requires_dependency",
  "requires_environment",
  "protected_by_compiler",
  "protected_at_runtime",
  "protected_at_perimeter",
  "protected_by_mitigating_control",
]);

/** A FindingPackage as the SBOM writer's Package (namespace from the purl; nothing the finding lacks). */
function asPackage(f: Finding): Package {
  const p: Package = {
    type: f.package.type,
    name: f.package.name,
    version: f.package.version,
    purl: f.package.purl,
    foundBy: [],
    locations: f.package.locations,
  };
  try {
    const namespace = PackageURL.fromString(f.package.purl).namespace;
    if (namespace) p.namespace = namespace;
  } catch {
    // Without a parseable purl the component simply has no group.
  }
  return p;
}

function inventoryOf(report: ScanReport, all: Finding[], base?: Inventory): Inventory {
  const packages = new Map<string, Package>((base?.packages ?? []).map((p) => [p.purl, p]));
  for (const f of all) if (!packages.has(f.package.purl)) packages.set(f.package.purl, asPackage(f));
  return {
    source: report.source,
    ...(report.distro ? { distro: report.distro } : {}),
    packages: [...packages.values()].sort((a, b) => (a.purl < b.purl ? -1 : a.purl > b.purl ? 1 : 0)),
    warnings: [],
    tool: report.tool,
    createdAt: report.createdAt,
  };
}

/** A date-time CycloneDX accepts, or nothing: OSV dates are RFC 3339 already, other sources may not be. */
function dateTime(text: string | undefined): string | undefined {
  if (!text) return undefined;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return text;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

function source(id: string): Json {
  if (id.startsWith("CVE-")) return { name: "NVD", url: advisoryUrl(id) };
  if (id.startsWith("GHSA-")) return { name: "GitHub Advisory Database", url: advisoryUrl(id) };
  return { name: "OSV", url: advisoryUrl(id) };
}

function ratings(f: Finding): Json[] {
  const out: Json[] = f.cvss.map((c) => ({
    source: { name: c.source },
    score: c.baseScore,
    severity: CDX_SEVERITY[c.severity],
    method: METHOD[c.version],
    vector: c.vector,
  }));
  // The severity Rampart settled on, when it is not simply one of the CVSS ratings above.
  if (!f.severitySource.startsWith("cvss") || out.length === 0) {
    out.push({
      source: { name: f.severitySource },
      severity: CDX_SEVERITY[f.severity],
      method: "other",
      ...(f.vendorSeverity ? { justification: `vendor severity: ${f.vendorSeverity}` } : {}),
    });
  }
  return out;
}

function properties(f: Finding, s?: SuppressedFinding): Array<{ name: string; value: string }> {
  const out: Array<{ name: string; value: string }> = [];
  const add = (name: string, value: string | number | boolean | undefined) => {
    if (value !== undefined) out.push({ name: `rampart:${name}`, value: String(value) });
  };
  if (f.epss) {
    add("epss:score", f.epss.score);
    add("epss:percentile", f.epss.percentile);
    add("epss:date", f.epss.date);
  }
  if (f.kev) {
    add("kev:dateAdded", f.kev.dateAdded);
    add("kev:dueDate", f.kev.dueDate);
    add("kev:ransomware", f.kev.ransomware);
    add("kev:vulnerabilityName", f.kev.vulnerabilityName);
  }
  if (f.title && f.description) add("title", f.title);
  add("risk:score", f.risk.score);
  add("risk:why", f.risk.why);
  add("ssvc:outcome", f.risk.ssvc?.outcome);
  add("ssvc:dueDate", f.risk.ssvc?.dueDate);
  add("severity", f.severity);
  add("severitySource", f.severitySource);
  add("vendorSeverity", f.vendorSeverity);
  add("fixState", f.fixState);
  for (const a of f.advisories) add("advisory", a);
  if (s) {
    add("suppressed:by", s.by);
    add("suppressed:file", s.file);
  }
  return out;
}

function analysis(s: SuppressedFinding): Json {
  if (s.by === "ignore-file") return { detail: `Accepted in ignore file ${s.file}: ${s.reason}` };
  const vex = parseVexReason(s.reason);
  const state = vex ? STATE[vex.status] : undefined;
  const justification = vex?.justification
    ? CDX_JUSTIFICATIONS.has(vex.justification)
      ? vex.justification
      : JUSTIFICATION[vex.justification]
    : undefined;
  return {
    ...(state ? { state } : {}),
    ...(justification ? { justification } : {}),
    detail: `VEX ${s.file}: ${s.reason}`,
  };
}

const isUrl = (u: string) => /^https?:\/\/\S+$/.test(u);

function vulnerability(group: Finding[], refs: Map<string, string>, index: number, s?: SuppressedFinding): Json {
  const f = group[0] as Finding;
  const v: Json = { "bom-ref": `vuln-${index + 1}-${f.id}`, id: f.id, source: source(f.id) };
  const aliases = [...new Set(group.flatMap((g) => g.aliases))].filter((a) => a !== f.id);
  if (aliases.length) v.references = aliases.map((id) => ({ id, source: source(id) }));
  v.ratings = ratings(f);
  if (f.description ?? f.title) v.description = f.description ?? f.title;
  const fixes = group.filter((g) => g.fixedVersions.length);
  if (fixes.length)
    v.recommendation = fixes.map((g) => `Upgrade ${displayName(g.package)} to ${fixedText(g)}`).join("; ");
  const urls = [...new Set(f.references.filter(isUrl))];
  if (urls.length) v.advisories = urls.map((url) => ({ url }));
  const published = dateTime(f.published);
  if (published) v.published = published;
  const updated = dateTime(f.modified);
  if (updated) v.updated = updated;
  const affects = new Map<string, Json>();
  for (const g of group) {
    const ref = refs.get(g.package.purl);
    if (!ref || affects.has(ref)) continue;
    affects.set(ref, {
      ref,
      versions: [
        { version: g.package.version, status: "affected" },
        ...g.fixedVersions.filter((x) => x !== g.package.version).map((version) => ({ version, status: "unaffected" })),
      ],
    });
  }
  v.affects = [...affects.values()];
  if (s) v.analysis = analysis(s);
  v.properties = properties(f, s);
  return v;
}

export function toScanCycloneDx(report: ScanReport, opts: ScanCycloneDxOptions = {}): Json {
  const all = [...report.findings, ...report.suppressed.map((s) => s.finding)];
  const bom = toCycloneDx(inventoryOf(report, all, opts.inventory), {
    ...(opts.serialNumber ? { serialNumber: opts.serialNumber } : {}),
  });
  const refs = new Map<string, string>();
  for (const c of (bom.components as Json[] | undefined) ?? []) {
    if (typeof c.purl === "string" && !refs.has(c.purl)) refs.set(c.purl, c["bom-ref"] as string);
  }
  // One entry per vulnerability id for the kept findings; suppressed ones apart, each with its analysis.
  const kept = new Map<string, Finding[]>();
  for (const f of report.findings) kept.set(f.id, [...(kept.get(f.id) ?? []), f]);
  const entries: Array<{ group: Finding[]; s?: SuppressedFinding }> = [...kept.values()].map((group) => ({ group }));
  const suppressedGroups = new Map<string, { group: Finding[]; s: SuppressedFinding }>();
  for (const s of report.suppressed) {
    const key = `${s.finding.id}\0${s.by}\0${s.file}\0${s.reason}`;
    const g = suppressedGroups.get(key);
    if (g) g.group.push(s.finding);
    else suppressedGroups.set(key, { group: [s.finding], s });
  }
  entries.push(...suppressedGroups.values());
  if (showsVulns(report)) bom.vulnerabilities = entries.map((e, i) => vulnerability(e.group, refs, i, e.s));
  const props = [{ name: "rampart:scanners", value: report.scanners.join(",") }];
  if (showsSecrets(report)) {
    const secrets = report.secrets ?? [];
    const counts = secretSeverityCounts(secrets);
    props.push(
      { name: "rampart:secrets", value: String(secrets.length) },
      ...SECRET_SEVERITIES.map((s) => ({ name: `rampart:secrets:${s}`, value: String(counts[s]) })),
    );
  }
  if (showsMalware(report)) {
    const malware = report.malware ?? [];
    const counts = malwareSeverityCounts(malware);
    props.push(
      { name: "rampart:malware", value: String(malware.length) },
      ...MALWARE_SEVERITIES.map((s) => ({ name: `rampart:malware:${s}`, value: String(counts[s]) })),
    );
  }
  if (report.posture) {
    const n = postureSummary(report.posture);
    props.push(
      ...Object.entries(n).map(([status, count]) => ({ name: `rampart:posture:${status}`, value: String(count) })),
      ...report.posture.frameworks
        .filter((f) => f.score !== undefined)
        .map((f) => ({ name: `rampart:posture:${f.id}:score`, value: String(f.score) })),
    );
  }
  const metadata = bom.metadata as Json;
  metadata.properties = [...((metadata.properties as Json[] | undefined) ?? []), ...props];
  return bom;
}

export function renderScanCycloneDx(report: ScanReport, opts: ScanCycloneDxOptions = {}): string {
  return `${JSON.stringify(toScanCycloneDx(report, opts), null, 2)}\n`;
}
