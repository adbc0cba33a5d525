import { readFile, stat } from "node:fs/promises";
import {
  applySuppressions,
  byRisk,
  CLUSTER_TARGET,
  DEFAULT_SECRET_EXCLUDES,
  defaultDbDir,
  ENGINE_VERSION,
  type FeedStatus,
  type Finding,
  formatDiagnostic,
  formatScanReport,
  type IgnoreRule,
  type InventorySource,
  imagePurl,
  loadBaseline,
  loadDefaultPack,
  loadDefaultRuleSet,
  loadIgnoreFile,
  loadRulePack,
  loadRuleSet,
  loadVex,
  type MalwareFinding,
  MalwareScanner,
  Matcher,
  mergeRuleSets,
  SCAN_FORMATS,
  type ScanFormat,
  type ScannerName,
  type ScanReport,
  SEVERITIES,
  type SecretFinding,
  SecretScanner,
  type Severity,
  type VexStatement,
  VulnDb,
  writeBaseline,
} from "@rampart/engine";
import type { Command } from "commander";
import { UsageError } from "../errors.js";
import { writeOutput } from "../output.js";
import { type PostureCliOptions, postureControls, runPosture, withPostureOptions } from "./posture.js";
import { inventoryOf, type SbomCommandOptions, sourceOptionsOf, withSourceOptions } from "./sbom.js";

/** Exit code when findings cross --fail-on / --fail-on-count (1 is an error, 2 a usage mistake). */
export const EXIT_FINDINGS = 3;

const SORTS = ["risk", "severity", "epss", "kev", "package", "id"] as const;
const SCANNERS: readonly ScannerName[] = ["vuln", "secret", "malware", "posture"];
type Sort = (typeof SORTS)[number];
/** Read from the working directory when no --ignore-file is given, as Trivy reads .trivyignore. */
const DEFAULT_IGNORE_FILES = [".rampartignore.yaml", ".rampartignore.yml", ".rampartignore"];
/** Older vulnerability data than this gets a warning: a stale DB hides new CVEs. */
const STALE_DAYS = 7;

interface ScanOptions extends SbomCommandOptions, PostureCliOptions {
  secretRules?: string;
  secretBaseline?: string;
  writeSecretBaseline?: string;
  secretExclude?: string[];
  secretMaxFileSize?: string;
  malwareRules?: string[];
  malwareExclude?: string[];
  malwareMaxFileSize?: string;
  malwareArchives: boolean;
  severity?: string;
  failOn?: string;
  failOnCount?: string;
  ignoreUnfixed?: boolean;
  ignoreFile?: string;
  vex?: string[];
  sort: string;
  dbDir?: string;
  scanners: string;
}

const parseSeverity = (s: string, flag: string): Severity => {
  const v = s.trim().toLowerCase();
  if (!(SEVERITIES as readonly string[]).includes(v))
    throw new UsageError(`${flag}: unknown severity ${s}; use ${SEVERITIES.join(", ")}`);
  return v as Severity;
};
const atLeast = (sev: Severity, min: Severity) => SEVERITIES.indexOf(sev) <= SEVERITIES.indexOf(min);

const SORTERS: Record<Sort, (a: Finding, b: Finding) => number> = {
  risk: byRisk,
  severity: (a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || byRisk(a, b),
  epss: (a, b) => (b.epss?.score ?? -1) - (a.epss?.score ?? -1) || byRisk(a, b),
  kev: (a, b) => Number(!!b.kev) - Number(!!a.kev) || byRisk(a, b),
  package: (a, b) =>
    a.package.name.localeCompare(b.package.name) || a.package.version.localeCompare(b.package.version) || byRisk(a, b),
  id: (a, b) => a.id.localeCompare(b.id) || a.package.purl.localeCompare(b.package.purl),
};

export function registerScan(program: Command): void {
  withPostureOptions(
    withSourceOptions(
      program
        .command("scan")
        .description(
          "Find the known vulnerabilities, secrets, malware and posture (compliance) failures of an image, directory, host or SBOM, ranked by risk",
        )
        .argument("<target>", "anything `rampart sbom` reads, or an SBOM file (CycloneDX, SPDX)")
        .option("-f, --format <format>", `output format: ${SCAN_FORMATS.join(", ")}`, "table")
        .option("-o, --output <file>", "write to FILE instead of standard output (atomically)")
        .option("--scanners <list>", `what to look for, comma-separated: ${SCANNERS.join(", ")}`, "vuln")
        .option("--severity <list>", "only report these severities (comma-separated, e.g. critical,high)")
        .option("--fail-on <severity>", `exit ${EXIT_FINDINGS} when a reported finding is at least this severe`)
        .option(
          "--fail-on-count <n>",
          `exit ${EXIT_FINDINGS} when at least N findings are reported (at --fail-on severity or above, if given)`,
        )
        .option("--ignore-unfixed", "hide vulnerabilities that have no fix yet")
        .option(
          "--ignore-file <file>",
          `ignore rules (YAML or .trivyignore format; default ${DEFAULT_IGNORE_FILES.join(" or ")} in the working directory)`,
        )
        .option(
          "--vex <file...>",
          "OpenVEX or CycloneDX VEX documents; not_affected/fixed statements suppress findings",
        )
        .option("--sort <key>", `order of findings: ${SORTS.join(", ")}`, "risk")
        .option("--db-dir <dir>", "vulnerability DB directory (default ~/.cache/rampart/db, or RAMPART_DB_DIR)")
        .option(
          "--secret-rules <file>",
          "extra secret rules (YAML, same format as the defaults; same id replaces, disabled: true removes)",
        )
        .option(
          "--secret-baseline <file>",
          "accepted secrets, by rule, path glob or fingerprint (see --write-secret-baseline)",
        )
        .option("--write-secret-baseline <file>", "write the secrets found as a baseline (fingerprints only) to FILE")
        .option("--secret-exclude <glob...>", "more paths not to scan for secrets (added to the defaults)")
        .option("--secret-max-file-size <bytes>", "skip larger files in the secret scan (default 10 MB)")
        .option(
          "--malware-rules <path...>",
          "more YARA rule packs (a .yar file or a directory of them), each compiled beside the default pack",
        )
        .option("--malware-exclude <glob...>", "paths not to scan for malware")
        .option("--malware-max-file-size <bytes>", "skip larger files in the malware scan (default 64 MB)")
        .option("--no-malware-archives", "do not open archives (gzip, zip/jar, tar) inside files for the malware scan")
        .addHelpText(
          "after",
          "\nThe fingerprint salt of secret findings comes from RAMPART_SECRET_SALT (default: a public constant).",
        ),
    ),
  ).action(async (targetText: string, o: ScanOptions) => {
    if (!SCAN_FORMATS.includes(o.format as ScanFormat))
      throw new UsageError(`unknown format ${o.format}; use one of ${SCAN_FORMATS.join(", ")}`);
    if (!SORTS.includes(o.sort as Sort)) throw new UsageError(`unknown sort ${o.sort}; use one of ${SORTS.join(", ")}`);
    const scanners = o.scanners.split(",").map((s) => s.trim());
    for (const s of scanners)
      if (!SCANNERS.includes(s as ScannerName))
        throw new UsageError(`unknown scanner ${s}; available: ${SCANNERS.join(", ")}`);
    const runVuln = scanners.includes("vuln");
    const runSecret = scanners.includes("secret");
    const runMalware = scanners.includes("malware");
    const runPostureScan = scanners.includes("posture");
    // Control files are validated before anything is read: a broken file fails fast.
    if (runPostureScan) await postureControls(o);
    else if (o.framework || o.postureControls || o.disableControl || o.dockerSocket || o.kubeconfig)
      throw new UsageError(
        "--framework, --posture-controls, --disable-control, --docker-socket and --kubeconfig need --scanners posture",
      );
    if (CLUSTER_TARGET.test(targetText) && scanners.some((s) => s !== "posture"))
      throw new UsageError(`${targetText} is a cluster: only --scanners posture reads it (scan its images by name)`);
    const only = o.severity?.split(",").map((s) => parseSeverity(s, "--severity"));
    const failOn = o.failOn ? parseSeverity(o.failOn, "--fail-on") : undefined;
    const failCount = o.failOnCount === undefined ? undefined : Number(o.failOnCount);
    if (failCount !== undefined && (!Number.isInteger(failCount) || failCount < 1))
      throw new UsageError("--fail-on-count: expected a whole number ≥ 1");
    const ignores: IgnoreRule[] = await loadIgnores(o.ignoreFile);
    const vex: VexStatement[] = (o.vex ?? []).flatMap((f) => loadVex(f));

    const db = runVuln ? VulnDb.open(o.dbDir ?? defaultDbDir()) : undefined;
    const secrets = runSecret ? await secretScanner(o) : undefined;
    const malware = runMalware
      ? await malwareScanner(o).catch(async (e) => {
          await secrets?.close();
          throw e;
        })
      : undefined;
    try {
      const posture = runPostureScan ? await runPosture(targetText, o, sourceOptionsOf(o)) : undefined;
      const catalog = runVuln || runSecret || runMalware;
      const inv = catalog
        ? await inventoryOf(targetText, o, [...(secrets ? [secrets] : []), ...(malware ? [malware] : [])])
        : undefined;
      const now = new Date();
      const warnings = [...(inv?.warnings ?? []), ...(posture?.report.warnings ?? [])];
      const status = db?.status();
      let findings: Finding[] = [];
      let packageCount = 0;
      if (db && status && inv) {
        const result = new Matcher(db).match(inv, { detectedAt: now.toISOString() });
        warnings.push(...result.warnings, ...staleness(status.feeds, now));
        packageCount = result.matched;
        findings = result.findings;
        if (o.ignoreUnfixed) findings = findings.filter((f) => f.fixState === "fixed");
        if (only) findings = findings.filter((f) => only.includes(f.severity));
      }
      const source = inv?.source ?? (posture?.opened.source as InventorySource);
      const subject = imagePurl(source);
      const sup = applySuppressions(findings, { ignores, vex }, now, subject ? { subject } : {});
      warnings.push(...sup.warnings);
      const secretResults = secrets?.results();
      if (secretResults) warnings.push(...secretResults.warnings);
      const secretFindings = secretResults?.findings.filter((f) => !only || only.includes(f.severity)).sort(bySeverity);
      const malwareResults = malware?.results();
      if (malware?.engine === "yara")
        warnings.push(
          "malware: YARA-X is not available here (see `rampart doctor`); the rules ran on the yara command-line tool, which is slower and gives rules testing filename, filepath or extension empty values",
        );
      if (malware && malwareResults)
        warnings.push(
          ...malware.ruleErrors.map((d) => `rule file left out: ${formatDiagnostic(d)}`),
          ...malwareResults.warnings,
        );
      const malwareFindings = malwareResults?.findings.filter((f) => !only || only.includes(f.severity));
      if (o.writeSecretBaseline && secretResults)
        await writeOutput(writeBaseline(secretResults.findings), o.writeSecretBaseline);
      const report: ScanReport = {
        source,
        ...(inv?.distro ? { distro: inv.distro } : {}),
        scanners: SCANNERS.filter((s) => scanners.includes(s)),
        packageCount,
        findings: [...sup.kept].sort(SORTERS[o.sort as Sort]),
        ...(secretFindings ? { secrets: secretFindings } : {}),
        ...(malwareFindings ? { malware: malwareFindings } : {}),
        ...(posture ? { posture: posture.report } : {}),
        suppressed: sup.suppressed,
        ...(status
          ? { db: { schemaVersion: status.schemaVersion, builtAt: status.builtAt, feeds: status.feeds } }
          : {}),
        warnings,
        tool: { name: "rampart", version: ENGINE_VERSION },
        createdAt: now.toISOString(),
      };
      if (!o.quiet) for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
      await writeOutput(
        formatScanReport(report, o.format as ScanFormat, {
          ...(inv ? { inventory: inv } : {}),
          color: !o.output && process.stdout.isTTY === true && !process.env.NO_COLOR,
        }),
        o.output,
      );
      const severities = [
        ...report.findings.map((f) => f.severity),
        ...(report.secrets ?? []).map((f) => f.severity),
        ...(report.malware ?? []).map((f: MalwareFinding) => f.severity),
        ...(report.posture?.results ?? [])
          .filter((r) => r.status === "fail" && (!only || only.includes(r.control.severity)))
          .map((r) => r.control.severity),
      ];
      const counted = failOn ? severities.filter((s) => atLeast(s, failOn)).length : severities.length;
      if ((failOn || failCount !== undefined) && counted >= (failCount ?? 1)) {
        process.stderr.write(
          `rampart: ${counted} finding(s)${failOn ? ` at ${failOn} or above` : ""} (threshold ${failCount ?? 1}): failing with exit code ${EXIT_FINDINGS}\n`,
        );
        process.exitCode = EXIT_FINDINGS;
      }
    } finally {
      db?.close();
      await secrets?.close();
      await malware?.close();
    }
  });
}

/** The secret scanner with the user's rules, baseline, excludes and salt layered on the defaults. */
async function secretScanner(o: ScanOptions): Promise<SecretScanner> {
  let rules = loadDefaultRuleSet();
  if (o.secretRules) {
    const file = o.secretRules;
    rules = mergeRuleSets(rules, loadRuleSet(await readFile(file, "utf8"), file), (m) =>
      process.stderr.write(`warning: ${file}: ${m}\n`),
    );
  }
  const maxFileBytes = o.secretMaxFileSize === undefined ? undefined : Number(o.secretMaxFileSize);
  if (maxFileBytes !== undefined && !(Number.isInteger(maxFileBytes) && maxFileBytes > 0))
    throw new UsageError("--secret-max-file-size: expected a number of bytes");
  return SecretScanner.create({
    rules,
    ...(process.env.RAMPART_SECRET_SALT ? { salt: process.env.RAMPART_SECRET_SALT } : {}),
    ...(o.secretBaseline ? { baseline: await loadBaseline(o.secretBaseline) } : {}),
    ...(o.secretExclude?.length ? { excludes: [...DEFAULT_SECRET_EXCLUDES, ...o.secretExclude] } : {}),
    ...(maxFileBytes ? { maxFileBytes } : {}),
  });
}

/** The malware scanner with the default pack and the user's packs; a pack none of whose files compile is fatal. */
async function malwareScanner(o: ScanOptions): Promise<MalwareScanner> {
  const maxFileBytes = o.malwareMaxFileSize === undefined ? undefined : Number(o.malwareMaxFileSize);
  if (maxFileBytes !== undefined && !(Number.isInteger(maxFileBytes) && maxFileBytes > 0))
    throw new UsageError("--malware-max-file-size: expected a number of bytes");
  const packs = [await loadDefaultPack()];
  for (const p of o.malwareRules ?? []) packs.push(await loadRulePack(p));
  return MalwareScanner.create({
    packs,
    archives: o.malwareArchives,
    ...(o.malwareExclude?.length ? { excludes: o.malwareExclude } : {}),
    ...(maxFileBytes ? { maxFileBytes } : {}),
  });
}

const bySeverity = (a: SecretFinding, b: SecretFinding) =>
  SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || a.path.localeCompare(b.path) || a.line - b.line;

async function loadIgnores(file: string | undefined): Promise<IgnoreRule[]> {
  if (file) return loadIgnoreFile(file);
  for (const f of DEFAULT_IGNORE_FILES) if ((await stat(f).catch(() => undefined))?.isFile()) return loadIgnoreFile(f);
  return [];
}

function staleness(feeds: FeedStatus[], now: Date): string[] {
  return feeds
    .filter((f) => Date.parse(f.importedAt) < now.getTime() - STALE_DAYS * 86_400_000)
    .map(
      (f) =>
        `${f.name} was imported ${Math.floor((now.getTime() - Date.parse(f.importedAt)) / 86_400_000)} days ago: run \`rampart db update\``,
    );
}
