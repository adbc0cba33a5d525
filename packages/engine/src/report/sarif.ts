/**
 * SARIF 2.1.0 for code scanning dashboards (GitHub, Azure DevOps, GitLab): one rule per vulnerability id,
 * one result per finding located at the file that declared the package (inside the image for images, the
 * layer in the location's properties). GitHub reads `security-severity` (a CVSS score as a string) to rank
 * alerts and `partialFingerprints` to keep an alert the same across runs: the fingerprint leaves the version
 * out, so an upgrade that does not fix the vulnerability keeps the alert and one that fixes it closes it.
 * Suppressed findings are results with an external, accepted suppression, as SARIF describes them.
 *
 * Secrets: one rule per secret rule id, one result per finding at the file and line (and column) it is on.
 * The message names the rule and shows only the scanner's masked preview; the masked line goes in the
 * result's properties rather than region.snippet, which SARIF defines as the file's own text of the region.
 */
import { createHash } from "node:crypto";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Finding } from "../match/finding.js";
import { SEVERITIES, type Severity } from "../risk/types.js";
import type { SecretFinding } from "../secrets/types.js";
import type { ScanReport, SuppressedFinding } from "./scan-report.js";
import {
  advisoryUrl,
  displayName,
  fixedText,
  maxCvss,
  riskText,
  SECRET_SEVERITIES,
  type SecretSeverity,
  secretPlace,
  targetText,
  truncate,
} from "./text.js";

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

/**
 * GitHub's security-severity for a secret rule: a score inside its severity's band of GitHub's scale
 * (critical > 9.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9). A secret has no CVSS vector; the band is all
 * the rule says. Low is 3.0, the top of its band rather than the 2.0 used for vulnerabilities: a low secret
 * (a test-mode key) is still a credential someone could use.
 */
const SECRET_SECURITY_SEVERITY: Record<SecretSeverity, number> = { critical: 9.5, high: 8, medium: 5.5, low: 3 };

/** "github-pat-classic" → "GithubPatClassic": SARIF's rule name is an identifier, the id in PascalCase. */
const ruleName = (id: string): string =>
  id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join("");

function secretRule(ruleId: string, secrets: SecretFinding[]): Json {
  const first = secrets[0] as SecretFinding;
  const severity = SECRET_SEVERITIES.find((s) => secrets.some((x) => x.severity === s)) ?? first.severity;
  const text = [
    `Secret ${ruleId}: ${first.title}`,
    `Severity: ${severity.toUpperCase()}`,
    "A credential is stored in the scanned files. Revoke or rotate it, then remove it from the image or",
    "directory (a file deleted in a later layer is still in the image's earlier layer) and load it at run time.",
  ].join("\n");
  const markdown = [
    `**Secret ${ruleId}**: ${first.title}`,
    "",
    `Severity: ${severity.toUpperCase()}`,
    "",
    "A credential is stored in the scanned files. Revoke or rotate it, then remove it from the image or directory " +
      "(a file deleted in a later layer is still in the image's earlier layer) and load it at run time.",
  ].join("\n");
  return {
    id: ruleId,
    name: ruleName(ruleId),
    shortDescription: { text: first.title },
    fullDescription: { text: `${first.title} (secret rule ${ruleId})` },
    help: { text, markdown },
    defaultConfiguration: { level: LEVEL[severity] },
    properties: {
      "security-severity": SECRET_SECURITY_SEVERITY[severity].toFixed(1),
      tags: ["security", "secret"],
    },
  };
}

/**
 * Alert identity for code-scanning dashboards: the finding's salted fingerprint (rule + secret) with the file
 * path, so the same credential in two files gives two alerts, while a moved line or a rebuild that changes the
 * layer digests keeps the alert (a new salt changes every fingerprint, and so every alert). The salted
 * fingerprint itself is in the result's properties, for baselines and allowlists.
 */
const secretHash = (s: SecretFinding): string =>
  createHash("sha256").update(`${s.fingerprint}\0${s.path}`).digest("hex").slice(0, 32);

function secretResult(s: SecretFinding, ruleIndex: number): Json {
  const properties: Json = { severity: s.severity, fingerprint: s.fingerprint, preview: s.preview };
  if (s.layer) properties.layer = s.layer;
  if (s.snippet !== undefined) properties.snippet = s.snippet;
  if (s.entropy !== undefined) properties.entropy = s.entropy;
  return {
    ruleId: s.ruleId,
    ruleIndex,
    level: LEVEL[s.severity],
    message: { text: `${s.title} (${s.preview})` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: uriOf(s.path), uriBaseId: "ROOTPATH" },
          region: { startLine: s.line, startColumn: s.column },
        },
        message: { text: secretPlace(s) },
        ...(s.layer ? { properties: { layer: s.layer } } : {}),
      },
    ],
    partialFingerprints: { "rampartSecretHash/v1": secretHash(s) },
    properties,
  };
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
  const secrets = report.secrets ?? [];
  const bySecretRule = new Map<string, SecretFinding[]>();
  for (const x of secrets) bySecretRule.set(x.ruleId, [...(bySecretRule.get(x.ruleId) ?? []), x]);
  // Secret rule ids ("github-pat-classic") and advisory ids (CVE-…, GHSA-…) do not overlap; rules follow on.
  const secretIndex = new Map<string, number>();
  for (const [id, group] of bySecretRule) {
    secretIndex.set(id, rules.length);
    rules.push(secretRule(id, group));
  }
  for (const x of secrets) results.push(secretResult(x, secretIndex.get(x.ruleId) as number));
  const s = report.source;
  const properties: Json = { target: targetText(report), sourceKind: s.kind, scanners: report.scanners };
  if (s.imageId) properties.imageId = s.imageId;
  if (s.manifestDigest) properties.manifestDigest = s.manifestDigest;
  if (s.tags?.length) properties.tags = s.tags;
  if (report.distro) properties.distro = [report.distro.id, report.distro.versionId].filter(Boolean).join(" ");
  if (report.db && report.scanners.includes("vuln")) properties.dbBuiltAt = report.db.builtAt;
  return {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "Rampart",
            fullName: "Rampart vulnerability and secret scanner",
            version: report.tool.version,
            rules,
          },
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
