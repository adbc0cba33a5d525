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
 *
 * Malware: one rule per (pack, YARA rule), id "malware/<pack>/<rule id>" ("malware/default/EICAR_Test_File"):
 * the "malware/" prefix keeps it apart from advisory ids and kebab-case secret rule ids, and the pack keeps two
 * packs' rules of the same name apart (YARA ids have no "/", so the last segment is always the rule). One result
 * per finding at the file; for a match inside an archive, at the archive, the member in the location's
 * properties. The flagged files are the run's `artifacts`, with their SHA-256 in `hashes` (what malware
 * databases are searched by); the matched content's sha256 (the member's, inside an archive) is in the result's
 * properties with the pattern offsets, never the matched bytes.
 */
import { createHash } from "node:crypto";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { MALWARE_SEVERITIES, type MalwareFinding, type MalwareSeverity } from "../malware/types.js";
import type { Finding } from "../match/finding.js";
import { SEVERITIES, type Severity } from "../risk/types.js";
import type { SecretFinding } from "../secrets/types.js";
import { posturePart } from "./sarif-posture.js";
import type { ScanReport, SuppressedFinding } from "./scan-report.js";
import {
  advisoryUrl,
  displayName,
  fixedText,
  MALWARE_FIX,
  malwareTitle,
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

/** The first of `order` (highest first) that is in `present`. */
const highestOf = <S extends string>(order: readonly S[], present: readonly S[]): S | undefined =>
  order.find((s) => present.includes(s));

const highest = (severities: Severity[]): Severity => highestOf(SEVERITIES, severities) ?? "unknown";

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
 * GitHub's security-severity for a secret or malware rule: a score inside its severity's band of GitHub's scale
 * (critical > 9.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9). Neither has a CVSS vector; the band is all the
 * rule says. Low is 3.0, the top of its band rather than the 2.0 used for vulnerabilities: a low secret (a
 * test-mode key) is still a credential someone could use, a low malware match still a file someone planted.
 */
const BAND_SECURITY_SEVERITY: Record<SecretSeverity & MalwareSeverity, number> = {
  critical: 9.5,
  high: 8,
  medium: 5.5,
  low: 3,
};

/** "github-pat-classic" → "GithubPatClassic": SARIF's rule name is an identifier, the id in PascalCase. */
const ruleName = (id: string): string =>
  id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join("");

function secretRule(ruleId: string, secrets: SecretFinding[]): Json {
  const first = secrets[0] as SecretFinding;
  const severity =
    highestOf(
      SECRET_SEVERITIES,
      secrets.map((x) => x.severity),
    ) ?? first.severity;
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
      "security-severity": BAND_SECURITY_SEVERITY[severity].toFixed(1),
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

/** "malware/default/EICAR_Test_File"; a user pack's path as given, "./" and "\\" tidied, "rules/custom.yar". */
export function malwareRuleId(m: Pick<MalwareFinding, "pack" | "ruleId">): string {
  const pack = m.pack
    .replace(/\\/g, "/")
    .replace(/^(\.\/)+/, "")
    .replace(/^\/+/, "");
  return `malware/${pack || "default"}/${m.ruleId}`;
}

const isHttpUrl = (u: string | undefined): u is string => !!u && /^https?:\/\/\S+$/.test(u);

function malwareRule(id: string, group: MalwareFinding[]): Json {
  const first = group[0] as MalwareFinding;
  const severity =
    highestOf(
      MALWARE_SEVERITIES,
      group.map((m) => m.severity),
    ) ?? first.severity;
  const summary = malwareTitle(group.find((m) => m.description) ?? first);
  const kind = group.find((m) => m.class)?.class;
  const advice = `A file in the scanned files matched this rule. Look its SHA-256 up in a malware database, then ${MALWARE_FIX}.`;
  const facts = [
    `Severity: ${severity.toUpperCase()}`,
    ...(kind ? [`Class: ${kind}`] : []),
    `Rule pack: ${first.pack}`,
    ...(first.author ? [`Author: ${first.author}`] : []),
    ...(first.reference ? [`Reference: ${first.reference}`] : []),
  ];
  const text = [`Malware rule ${first.ruleId}: ${summary}`, ...facts, advice].join("\n");
  const markdown = [`**Malware rule ${first.ruleId}**: ${summary}`, "", ...facts.map((f) => `- ${f}`), "", advice].join(
    "\n",
  );
  const tags = [...new Set(["security", "malware", ...(kind ? [kind] : []), ...group.flatMap((m) => m.tags)])];
  return {
    id,
    name: first.ruleId,
    shortDescription: { text: summary },
    fullDescription: { text: `${summary} (YARA rule ${first.ruleId}, ${first.pack} pack)` },
    ...(isHttpUrl(first.reference) ? { helpUri: first.reference } : {}),
    help: { text, markdown },
    defaultConfiguration: { level: LEVEL[severity] },
    properties: {
      "security-severity": BAND_SECURITY_SEVERITY[severity].toFixed(1),
      tags,
    },
  };
}

/**
 * Alert identity: the rule and the file's path (the member's, inside an archive), without the layer or the
 * hash, so a rebuild keeps the alert and a changed file at the same place that still matches stays the same
 * alert; removing the file closes it.
 */
const malwareHash = (m: MalwareFinding): string =>
  createHash("sha256")
    .update(`${malwareRuleId(m)}\0${m.path}`)
    .digest("hex")
    .slice(0, 32);

/** The file a finding is located at: the archive for a member, else the file itself, with its hash. */
function flaggedFile(m: MalwareFinding): { path: string; sha256: string; length?: number } {
  return m.archive
    ? { path: m.archive.archive, sha256: m.archive.archiveSha256 }
    : { path: m.path, sha256: m.sha256, length: m.size };
}

function malwareResult(m: MalwareFinding, ruleIndex: number, artifactIndex: number): Json {
  const file = flaggedFile(m);
  const where: Json = {};
  if (m.layer) where.layer = m.layer;
  if (m.archive) where.member = m.archive.member;
  const properties: Json = { severity: m.severity, pack: m.pack, sha256: m.sha256, size: m.size };
  if (m.class) properties.class = m.class;
  if (m.layer) properties.layer = m.layer;
  if (m.archive) {
    properties.archive = m.archive.archive;
    properties.archiveSha256 = m.archive.archiveSha256;
    properties.member = m.archive.member;
  }
  // Where the patterns matched, field by field: a hit never carries the matched bytes into the log.
  properties.hits = m.hits.map((h) => ({ identifier: h.identifier, offset: h.offset, length: h.length }));
  return {
    ruleId: malwareRuleId(m),
    ruleIndex,
    level: LEVEL[m.severity],
    message: { text: `${malwareTitle(m)}: ${m.path} (rule ${m.ruleId})` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: uriOf(file.path), uriBaseId: "ROOTPATH", index: artifactIndex },
        },
        message: { text: m.path },
        ...(Object.keys(where).length ? { properties: where } : {}),
      },
    ],
    partialFingerprints: { "rampartMalwareHash/v1": malwareHash(m) },
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
  const malware = report.malware ?? [];
  const byMalwareRule = new Map<string, MalwareFinding[]>();
  for (const m of malware) byMalwareRule.set(malwareRuleId(m), [...(byMalwareRule.get(malwareRuleId(m)) ?? []), m]);
  const malwareIndex = new Map<string, number>();
  for (const [id, group] of byMalwareRule) {
    malwareIndex.set(id, rules.length);
    rules.push(malwareRule(id, group));
  }
  // Each flagged file once (the same path in two layers with different content is two files).
  const artifacts: Json[] = [];
  const artifactIndex = new Map<string, number>();
  for (const m of malware) {
    const file = flaggedFile(m);
    const key = `${file.path}\0${file.sha256}`;
    if (!artifactIndex.has(key)) {
      artifactIndex.set(key, artifacts.length);
      artifacts.push({
        location: { uri: uriOf(file.path), uriBaseId: "ROOTPATH" },
        ...(file.length !== undefined ? { length: file.length } : {}),
        hashes: { "sha-256": file.sha256 },
      });
    }
    results.push(malwareResult(m, malwareIndex.get(malwareRuleId(m)) as number, artifactIndex.get(key) as number));
  }
  const posture = report.posture ? posturePart(report.posture, rules.length, uriOf(report.source.name)) : undefined;
  if (posture) {
    rules.push(...posture.rules);
    results.push(...posture.results);
  }
  const notes = [...report.warnings, ...(posture?.notifications ?? [])];
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
            fullName: "Rampart vulnerability, secret, malware and posture scanner",
            version: report.tool.version,
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            endTimeUtc: report.createdAt,
            ...(notes.length
              ? { toolExecutionNotifications: notes.map((text) => ({ level: "warning", message: { text } })) }
              : {}),
          },
        ],
        originalUriBaseIds: { ROOTPATH: { uri: rootUri(report) } },
        ...(artifacts.length ? { artifacts } : {}),
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
