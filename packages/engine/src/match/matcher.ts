import type { Package } from "../package/package.js";
import { computeRisk } from "../risk/score.js";
import { type Epss, type Kev, SEVERITIES } from "../risk/types.js";
import type { Inventory } from "../sbom/inventory.js";
import { fixedVersionsFor, isAffected, schemeForEcosystem } from "../version/index.js";
import { nameKey } from "../vulndb/name-key.js";
import type { AdvisoryInfo, AffectedRow, VulnDb } from "../vulndb/reader.js";
import { lookupFor } from "./ecosystem.js";
import type { Finding } from "./finding.js";
import { foldAdvisories } from "./fold.js";
import { severityOf } from "./severity.js";

export interface MatchOptions {
  /** ISO time the findings were detected (SSVC due dates count from it). Default now. */
  detectedAt?: string;
}

export interface MatchResult {
  findings: Finding[];
  /** Packages looked up (the rest could not be: see warnings). */
  matched: number;
  /** Language packages an OS package installed: left to the distro's advisories (metadata.osPackage). */
  osManaged: number;
  warnings: string[];
}

const ID_PREFERENCE = ["CVE", "GHSA", "GO", "RUSTSEC", "PYSEC", "OSV"];
const rankOfId = (id: string) => {
  const i = ID_PREFERENCE.indexOf(id.split("-")[0] ?? "");
  return i < 0 ? ID_PREFERENCE.length : i;
};
const MAX_REFERENCES = 25;
const OS_TYPES = new Set(["deb", "apk", "rpm"]);

/**
 * Matches every package of an inventory against the DB. One finding per (package, vulnerability), with
 * aliases folded, severity, EPSS, KEV and risk attached; sorted by risk, highest first.
 */
export class Matcher {
  private readonly rowsCache = new Map<string, AffectedRow[]>();
  private readonly infoCache = new Map<string, AdvisoryInfo | undefined>();
  /** Per vulnerability (its advisories and the affected entries that matched): the same one recurs across
   *  every binary package of a Debian source and every copy of a library. */
  private readonly severityCache = new Map<string, ReturnType<typeof severityOf>>();
  private readonly epssCache = new Map<string, Epss | undefined>();
  private readonly kevCache = new Map<string, Kev | undefined>();

  constructor(private readonly db: VulnDb) {}

  match(inv: Inventory, opts: MatchOptions = {}): MatchResult {
    const detectedAt = opts.detectedAt ?? new Date().toISOString();
    const warnings = new Set<string>();
    const findings: Finding[] = [];
    let matched = 0;
    let osManaged = 0;
    for (const pkg of inv.packages) {
      if (pkg.metadata?.osPackage !== undefined && !OS_TYPES.has(pkg.type)) {
        osManaged++;
        continue;
      }
      const lookup = lookupFor(pkg, inv.distro);
      if ("skip" in lookup) {
        warnings.add(`not matched: ${lookup.skip}`);
        continue;
      }
      matched++;
      findings.push(...this.matchPackage(pkg, lookup, detectedAt, warnings));
    }
    findings.sort(byRisk);
    return { findings, matched, osManaged, warnings: [...warnings] };
  }

  private matchPackage(
    pkg: Package,
    lookup: { ecosystems: string[]; name: string; version: string },
    detectedAt: string,
    warnings: Set<string>,
  ): Finding[] {
    const hits: Array<{ row: AffectedRow; info: AdvisoryInfo; fixed: string[] }> = [];
    const knownIds = new Set<string>();
    let ecosystemUsed = lookup.ecosystems[0] as string;
    for (const eco of lookup.ecosystems) {
      const rows = this.rows(eco, lookup.name);
      if (rows.length) ecosystemUsed = eco;
      for (const row of rows) {
        knownIds.add(row.advisory);
        const scheme = schemeForEcosystem(row.ecosystem);
        if (!scheme) {
          warnings.add(`no version comparison for ecosystem ${row.ecosystem}`);
          continue;
        }
        if (!scheme.valid(lookup.version)) {
          warnings.add(`${pkg.purl}: version ${lookup.version} is not a valid ${scheme.name} version; not matched`);
          break;
        }
        if (!isAffected(lookup.version, row, scheme)) continue;
        const info = this.info(row.advisory);
        if (!info || isWithdrawn(info) || isNotice(row)) continue;
        hits.push({ row, info, fixed: fixedVersionsFor(lookup.version, row, scheme) });
      }
    }
    if (hits.length === 0) return [];
    const byId = new Map(hits.map((h) => [h.info.id, h]));
    const groups = foldAdvisories(
      hits.map((h) => ({ id: h.info.id, aliases: h.info.aliases, related: h.info.related })),
      knownIds,
    );
    const scheme = schemeForEcosystem(ecosystemUsed);
    return groups.map((ids) => {
      const group = ids.map((id) => byId.get(id)).filter((h) => h !== undefined);
      return this.finding(
        pkg,
        { ...lookup, ecosystem: ecosystemUsed },
        group,
        detectedAt,
        (a, b) => scheme?.compare(a, b) ?? a.localeCompare(b),
      );
    });
  }

  private finding(
    pkg: Package,
    key: { ecosystem: string; name: string; version: string },
    group: Array<{ row: AffectedRow; info: AdvisoryInfo; fixed: string[] }>,
    detectedAt: string,
    compare: (a: string, b: string) => number,
  ): Finding {
    const allIds = new Set<string>();
    for (const { info } of group) {
      allIds.add(info.id);
      for (const a of info.aliases) allIds.add(a);
    }
    const ids = [...allIds].sort((a, b) => rankOfId(a) - rankOfId(b) || a.localeCompare(b));
    const id = ids[0] as string;
    // Go advisories write versions without the "v" Go modules carry; show fixes the way `go get` takes them.
    const asInstalled =
      pkg.type === "golang" && pkg.version.startsWith("v") ? (v: string) => `v${v}` : (v: string) => v;
    const fixedVersions = [...new Set(group.flatMap((h) => h.fixed))].sort(compare).map(asInstalled);
    const groupKey = group.map((h) => `${h.info.id}/${h.row.idx}`).join(" ");
    const sev = this.cached(this.severityCache, groupKey, () => severityOf(group)) as ReturnType<typeof severityOf>;
    const cves = ids.filter((i) => i.startsWith("CVE-"));
    const epss = cves
      .map((c) => this.cached(this.epssCache, c, () => this.db.epss(c)))
      .filter((e) => e !== undefined)
      .sort((a, b) => b.score - a.score)[0];
    const kev = cves.map((c) => this.cached(this.kevCache, c, () => this.db.kev(c))).find((k) => k !== undefined);
    const fixState = fixedVersions.length > 0 ? "fixed" : "not-fixed";
    const byPreference = [...group].sort((a, b) => rankOfId(b.info.id) - rankOfId(a.info.id));
    const title = byPreference.map((h) => h.info.summary).find((s) => s);
    const description = [...group]
      .sort((a, b) => rankOfId(a.info.id) - rankOfId(b.info.id))
      .map((h) => h.info.details)
      .find((d) => d);
    const dates = (k: "published" | "modified") =>
      group
        .map((h) => h.info[k])
        .filter((d): d is string => !!d)
        .sort();
    const published = dates("published")[0];
    const modified = dates("modified").at(-1);
    return {
      id,
      aliases: ids.slice(1),
      advisories: group.map((h) => h.info.id),
      package: { name: pkg.name, version: pkg.version, type: pkg.type, purl: pkg.purl, locations: pkg.locations },
      matchedOn: { ecosystem: key.ecosystem, name: key.name, version: key.version },
      fixState,
      fixedVersions,
      severity: sev.severity,
      severitySource: sev.source,
      ...(sev.vendorSeverity ? { vendorSeverity: sev.vendorSeverity } : {}),
      cvss: sev.cvss,
      ...(epss ? { epss } : {}),
      ...(kev ? { kev } : {}),
      ...(title ? { title } : {}),
      ...(description ? { description } : {}),
      ...(published ? { published } : {}),
      ...(modified ? { modified } : {}),
      references: [...new Set(group.flatMap((h) => h.info.references.map((r) => r.url)))].slice(0, MAX_REFERENCES),
      risk: computeRisk({
        cvss: sev.cvss,
        severity: sev.severity,
        ...(epss ? { epss } : {}),
        ...(kev ? { kev } : {}),
        fixState,
        ...(fixedVersions[0] ? { fixedVersion: fixedVersions[0] } : {}),
        detectedAt,
      }),
    };
  }

  private cached<T>(cache: Map<string, T | undefined>, key: string, load: () => T | undefined): T | undefined {
    if (!cache.has(key)) cache.set(key, load());
    return cache.get(key);
  }

  private rows(ecosystem: string, name: string): AffectedRow[] {
    const key = `${ecosystem}\u0000${name}`;
    let rows = this.rowsCache.get(key);
    if (!rows) {
      rows = this.db.affected(ecosystem, nameKey(ecosystem, name));
      this.rowsCache.set(key, rows);
    }
    return rows;
  }

  private info(id: string): AdvisoryInfo | undefined {
    if (!this.infoCache.has(id)) this.infoCache.set(id, this.db.advisory(id));
    return this.infoCache.get(id);
  }
}

/** Risk first; then severity; then id and package so the order is stable run to run. */
export function byRisk(a: Finding, b: Finding): number {
  return (
    b.risk.score - a.risk.score ||
    SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
    a.id.localeCompare(b.id) ||
    a.package.purl.localeCompare(b.package.purl)
  );
}

/**
 * Withdrawn advisories never apply. GitHub marks withdrawn and duplicate advisories in their text too ("Withdrawn:"
 * summary, a "Withdrawn" or "Duplicate Advisory" heading); some exports lost the `withdrawn` field, the text stays.
 */
export function isWithdrawn(info: AdvisoryInfo): boolean {
  if (info.withdrawn) return true;
  if (/^withdrawn\b/i.test(info.summary ?? "")) return true;
  return /^\s*(?:#+\s*|\*\*)(?:withdrawn|duplicate advisory)\b/i.test(info.details ?? "");
}

/** RustSec's "unmaintained" and "notice" records are advice, not vulnerabilities ("unsound" ones are bugs: kept). */
function isNotice(row: AffectedRow): boolean {
  const kind = row.databaseSpecific?.informational;
  return kind === "unmaintained" || kind === "notice";
}
