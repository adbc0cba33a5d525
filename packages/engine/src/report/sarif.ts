/**
 * SARIF 2.1.0 for code scanning dashboards (GitHub, Azure DevOps, GitLab): one rule per vulnerability id,
 * one result per finding located at the file that declared the package (inside the image for images, the
 * layer in the location's properties). GitHub reads `security-severity` (a CVSS score as a string) to rank
 * alerts and `partialFingerprints` to keep an alert the same across runs: the fingerprint leaves the version
 * out, so an upgrade that does not fix the vulnerability keeps the alert and one that fixes it closes it.
 * Suppressed findings are results with an external, accepted suppression, as SARIF describes them.
 */
import { createHash } from "node:crypto";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Finding } from "../match/finding.js";
import { SEVERITIES, type Severity } from "../risk/types.js";
import type { ScanReport, SuppressedFinding } from "./scan-report.js";
import { advisoryUrl, displayName, fixedText, maxCvss, riskText, targetText, truncate } from "./text.js";

type Json = Record<string, unknown>;

export const SARIF_SCHEMA_URI =
  "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  critical: "error",
  high: "error",
  medium: "warning",
  low: "note",
  negligible: "note",
  unknown: "note",
};

/** Without a CVSS vector, a score inside the severity's band of GitHub's scale (as Trivy does). */
const BAND_SCORE: Partial<Record<Severity, number>> = { critical: 9.5, high: 8, medium: 5.5, low: 2, negligible: 1 };

const highest = (severities: Severity[]): Severity =>
  SEVERITIES.find((s) => severities.includes(s)) ?? ("unknown" as Severity);

/** A path as a relative URI reference under ROOTPATH: each segment percent-encoded, so "a b#c" stays a path. */
function uriOf(path: string): string {
  return path
    .replace(/^\/+/, "")
    .split("/")
    .map((s) => encodeURIComponent(s))
    .join("/");
}

function rootUri(report: ScanReport): string {
  const s = report.source;
  if (s.kind === "directory") {
    const href = pathToFileURL(isAbsolute(s.name) ? s.name : resolve(s.name)).href;
    return href.endsWith("/") ? href : `${href}/`;
  }
  return "file:///";
}

function fingerprint(f: Finding, path: string): string {
  const identity = f.package.purl.replace(/[@?#].*$/, "");
  return createHash("sha256").update(`${f.id}\0${identity}\0${path}`).digest("hex").slice(0, 32);
}

function locations(f: Finding, report: ScanReport): Json[] {
  const seen = new Set<string>();
  const out: Json[] = [];
  for (const l of f.package.locations) {
    const key = [l.path, ...(l.member ?? [])].join("!/");
    if (seen.has(key)) continue;
    seen.add(key);
    const properties: Json = {};
    if (l.layer) properties.layer = l.layer;
    if (l.member?.length) properties.member = l.member.join("!/");
    out.push({
      physicalLocation: { artifactLocation: { uri: uriOf(l.path), uriBaseId: "ROOTPATH" } },
      message: { text: key },
      ...(Object.keys(properties).length ? { properties } : {}),
    });
  }
  // A package with no file (read from an SBOM) is still somewhere: in what was scanned.
  if (out.length === 0)
    out.push({ physicalLocation: { artifactLocation: { uri: uriOf(report.source.name), uriBaseId: "ROOTPATH" } } });
  return out;
}

function message(f: Finding): string {
  const fixed = fixedText(f);
  return [
    `Package: ${displayName(f.package)}`,
    `Installed Version: ${f.package.version}`,
    `Vulnerability: ${f.id}`,
    `Severity: ${f.severity.toUpperCase()}`,
    `Fixed Version: ${fixed || "(not fixed)"}`,
    `Risk: ${riskText(f.risk.score)} (${f.risk.why})`,
    `Link: ${advisoryUrl(f.id)}`,
  ].join("\n");
}

function rule(id: string, findings: Finding[]): Json {
  const first = findings[0] as Finding;
  const severity = highest(findings.map((f) => f.severity));
  const scores = findings.map(maxCvss).filter((s): s is number => s !== undefined);
  const score = scores.length ? Math.max(...scores) : BAND_SCORE[severity];
  const summary =
    first.title ?? (first.description ? truncate(first.description, 120) : `${id} in ${displayName(first.package)}`);
  const packages = [...new Map(findings.map((f) => [f.package.purl, f])).values()];
  const text = [
    `Vulnerability ${id}`,
    `Severity: ${severity.toUpperCase()}`,
    ...packages.map(
      (f) => `Package: ${displayName(f.package)} ${f.package.version}, fixed version: ${fixedText(f) || "(not fixed)"}`,
    ),
    `Link: ${advisoryUrl(id)}`,
  ].join("\n");
  const cell = (t: string) => t.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
  const markdown = [
    `**Vulnerability ${id}**`,
    "",
    "| Severity | Package | Installed Version | Fixed Version | Link |",
    "| --- | --- | --- | --- | --- |",
    ...packages.map(
      (f) =>
        `| ${f.severity.toUpperCase()} | ${cell(displayName(f.package))} | ${cell(f.package.version)} | ${cell(fixedText(f) || "(not fixed)")} | [${cell(id)}](${advisoryUrl(id)}) |`,
    ),
    ...(first.description ? ["", first.description] : []),
  ].join("\n");
  return {
    id,
    shortDescription: { text: summary },
    fullDescription: { text: first.description ?? summary },
    helpUri: advisoryUrl(id),
    help: { text, markdown },
    defaultConfiguration: { level: LEVEL[severity] },
    properties: {
      ...(score !== undefined ? { "security-severity": score.toFixed(1) } : {}),
      precision: "very-high",
      tags: ["vulnerability", "security", severity.toUpperCase()],
    },
  };
}

function result(f: Finding, ruleIndex: number, report: ScanReport, suppressed?: SuppressedFinding): Json {
  const locs = locations(f, report);
  const primary = (f.package.locations[0]?.path ?? report.source.name) as string;
  const properties: Json = {
    purl: f.package.purl,
    installedVersion: f.package.version,
    fixedVersions: f.fixedVersions,
    severity: f.severity,
    riskScore: f.risk.score,
    why: f.risk.why,
  };
  if (f.epss) properties.epss = f.epss.score;
  if (f.kev) properties.kev = { dateAdded: f.kev.dateAdded, ransomware: f.kev.ransomware };
  if (f.risk.ssvc) properties.ssvc = f.risk.ssvc.outcome;
  const out: Json = {
    ruleId: f.id,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: message(f) },
    locations: locs,
    partialFingerprints: { "rampartFindingHash/v1": fingerprint(f, primary) },
    properties,
  };
  if (suppressed) {
    out.suppressions = [
      {
        kind: "external",
        status: "accepted",
        justification: `${suppressed.by === "vex" ? "VEX" : "ignore file"} ${suppressed.file}: ${suppressed.reason}`,
      },
    ];
  }
  return out;
}

export function toSarif(report: ScanReport): Json {
  const entries: Array<{ finding: Finding; suppressed?: SuppressedFinding }> = [
    ...report.findings.map((finding) => ({ finding })),
    ...report.suppressed.map((s) => ({ finding: s.finding, suppressed: s })),
  ];
  const byRule = new Map<string, Finding[]>();
  for (const { finding } of entries) byRule.set(finding.id, [...(byRule.get(finding.id) ?? []), finding]);
  const ruleIds = [...byRule.keys()];
  const rules = ruleIds.map((id) => rule(id, byRule.get(id) as Finding[]));
  const results = entries.map(({ finding, suppressed }) =>
    result(finding, ruleIds.indexOf(finding.id), report, suppressed),
  );
  const s = report.source;
  const properties: Json = { target: targetText(report), sourceKind: s.kind };
  if (s.imageId) properties.imageId = s.imageId;
  if (s.manifestDigest) properties.manifestDigest = s.manifestDigest;
  if (s.tags?.length) properties.tags = s.tags;
  if (report.distro) properties.distro = [report.distro.id, report.distro.versionId].filter(Boolean).join(" ");
  properties.dbBuiltAt = report.db.builtAt;
  return {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: { name: "Rampart", fullName: "Rampart vulnerability scanner", version: report.tool.version, rules },
        },
        invocations: [
          {
            executionSuccessful: true,
            endTimeUtc: report.createdAt,
            ...(report.warnings.length
              ? { toolExecutionNotifications: report.warnings.map((text) => ({ level: "warning", message: { text } })) }
              : {}),
          },
        ],
        originalUriBaseIds: { ROOTPATH: { uri: rootUri(report) } },
        results,
        columnKind: "utf16CodeUnits",
        properties,
      },
    ],
  };
}

export function renderSarif(report: ScanReport): string {
  return `${JSON.stringify(toSarif(report), null, 2)}\n`;
}
