/**
 * Vulnerability DB and matching, as ratios against baselines measured in the same run:
 *   DB build  — `rampart db update --from test/fixtures/feeds` (time, file size) against reading the same
 *               feeds' bytes (unzip -p of every all.zip + zcat of EPSS + cat of KEV > /dev/null);
 *   scan      — `rampart scan` of the vuln-app image end to end, cold and warm layer cache, against the floor
 *               of the SBOM benchmark (gzip -dc | tar -xO over the image's layers);
 *   matching  — a 10,000-package inventory (real package names and versions from the feeds, six ecosystems
 *               and Debian) matched in-process, in packages/s, against one bare indexed lookup per package.
 * Writes bench/results/vuln.json. Goals (issue 3): cold scan ≤ 2× the floor, warm ≤ 0.5×; matching within
 * 5× of the bare lookups.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Inventory,
  Matcher,
  nameKey,
  type Package,
  type PackageType,
  VulnDb,
} from "../packages/engine/src/index.js";
import { best, CLI, floorOf, layerBlobs, need, ROOT, RUNS, TD, timed, writeResults } from "./lib.js";

const FEEDS = join(ROOT, "test/fixtures/feeds");
need(CLI);
const layout = need(join(TD, "oci"));

// 1. DB build from the fixture mirror, against reading its bytes.
const zips = readdirSync(join(FEEDS, "osv")).map((e) => join(FEEDS, "osv", e, "all.zip"));
const readFeeds = best(RUNS, () =>
  timed("sh", [
    "-c",
    `${zips.map((z) => `unzip -p '${z}'`).join(" && ")} > /dev/null && zcat '${FEEDS}/epss/epss_scores.csv.gz' > /dev/null && cat '${FEEDS}/kev/known_exploited_vulnerabilities.json' > /dev/null`,
  ]),
);
const dbDir = mkdtempSync(join(tmpdir(), "rampart-bench-db-"));
const build = best(RUNS, () => {
  rmSync(dbDir, { recursive: true, force: true });
  return timed("node", [CLI, "db", "update", "--from", FEEDS, "--db-dir", dbDir, "--quiet"]);
});
const dbBytes = statSync(join(dbDir, "vuln.db")).size;
const feedBytes = [
  ...zips,
  join(FEEDS, "epss/epss_scores.csv.gz"),
  join(FEEDS, "kev/known_exploited_vulnerabilities.json"),
]
  .map((f) => statSync(f).size)
  .reduce((a, b) => a + b, 0);

// 2. scan of the vuln-app image, end to end.
const floor = floorOf(layerBlobs(layout, "vuln-app-1.0"));
const cacheDir = mkdtempSync(join(tmpdir(), "rampart-bench-cache-"));
const target = `oci:${layout}:vuln-app-1.0`;
const scan = () => timed("node", [CLI, "scan", target, "-f", "json", "-q", "--cache-dir", cacheDir, "--db-dir", dbDir]);
const cold = best(RUNS, () => {
  rmSync(cacheDir, { recursive: true, force: true });
  return scan();
});
const warm = best(RUNS, scan);
const scanned = JSON.parse(warm.stdout) as { packageCount: number; findings: unknown[] };

// 3. matching throughput on 10,000 packages.
const db = VulnDb.open(dbDir);
const TYPES: Record<string, PackageType> = {
  npm: "npm",
  PyPI: "pypi",
  Maven: "maven",
  Go: "golang",
  RubyGems: "gem",
  "crates.io": "cargo",
  "Debian:12": "deb",
};
const raw = (db as unknown as { db: import("better-sqlite3").Database }).db;
const rows = raw
  .prepare(
    `SELECT ecosystem, name, versions, ranges FROM affected WHERE ecosystem IN (${Object.keys(TYPES)
      .map(() => "?")
      .join(",")}) GROUP BY ecosystem, name_key`,
  )
  .all(...Object.keys(TYPES)) as Array<{
  ecosystem: string;
  name: string;
  versions: string | null;
  ranges: string | null;
}>;
const packages: Package[] = [];
for (let i = 0; packages.length < 10_000; i++) {
  const r = rows[i % rows.length] as (typeof rows)[number];
  const versions = JSON.parse(r.versions ?? "[]") as string[];
  const fixed = (JSON.parse(r.ranges ?? "[]") as Array<{ events: Array<Record<string, string>> }>)
    .flatMap((x) => x.events.map((e) => e.fixed))
    .filter(Boolean) as string[];
  // Alternate affected versions (from `versions`) and fixed ones, so both paths of the matcher run.
  const version =
    (i % 2 === 0 ? versions[i % Math.max(versions.length, 1)] : fixed[0]) ?? versions[0] ?? fixed[0] ?? "1.0.0";
  const type = TYPES[r.ecosystem] as PackageType;
  const [namespace, name] = type === "maven" ? (r.name.split(":") as [string, string]) : [undefined, r.name];
  packages.push({
    type,
    ...(namespace ? { namespace } : {}),
    name,
    version,
    ...(type === "deb" ? { source: { name: r.name, version } } : {}),
    purl: `pkg:${type}/${encodeURIComponent(r.name)}@${encodeURIComponent(version)}#${i}`,
    foundBy: ["bench"],
    locations: [{ path: `/bench/${i}` }],
  });
}
const inventory: Inventory = {
  source: { kind: "sbom", name: "bench" },
  distro: { id: "debian", versionId: "12" },
  packages,
  warnings: [],
  tool: { name: "rampart", version: "bench" },
  createdAt: new Date().toISOString(),
};
const clock = (f: () => void) => {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / 1e9;
};
const lookup = (p: Package) => {
  const eco = Object.entries(TYPES).find(([, t]) => t === p.type)?.[0] as string;
  const name = p.type === "maven" ? `${p.namespace}:${p.name}` : (p.source?.name ?? p.name);
  return db.affected(eco, nameKey(eco, name));
};
const bare = [...Array(RUNS)].map(() => clock(() => packages.forEach(lookup)));
let findings = 0;
const match = [...Array(RUNS)].map(() => clock(() => (findings = new Matcher(db).match(inventory).findings.length)));
db.close();
rmSync(cacheDir, { recursive: true, force: true });
rmSync(dbDir, { recursive: true, force: true });

const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const results = {
  machine: { cpus: (await import("node:os")).cpus().length, node: process.version },
  dbBuild: {
    seconds: build.seconds,
    maxRssMb: build.maxRssMb,
    dbMb: dbBytes / 1048576,
    feedsMb: feedBytes / 1048576,
    readFeedsSeconds: readFeeds.seconds,
    ratioToReading: build.seconds / readFeeds.seconds,
  },
  scan: {
    target: "vuln-app-1.0 (OCI layout)",
    packages: scanned.packageCount,
    findings: scanned.findings.length,
    floorSeconds: floor.seconds,
    cold: { seconds: cold.seconds, ratioToFloor: cold.seconds / floor.seconds, maxRssMb: cold.maxRssMb },
    warm: { seconds: warm.seconds, ratioToFloor: warm.seconds / floor.seconds, maxRssMb: warm.maxRssMb },
  },
  matching: {
    packages: packages.length,
    findings,
    seconds: mid(match),
    packagesPerSecond: packages.length / mid(match),
    bareLookupSeconds: mid(bare),
    ratioToBareLookups: mid(match) / mid(bare),
  },
};
writeResults("vuln", results);
const f = (n: number) => n.toFixed(2);
const d = results.dbBuild;
console.log(
  `DB build: ${f(d.seconds)} s, ${d.dbMb.toFixed(1)} MB from ${d.feedsMb.toFixed(1)} MB of feeds; reading the feeds alone ${f(d.readFeedsSeconds)} s (${f(d.ratioToReading)}×); peak RSS ${d.maxRssMb.toFixed(0)} MB`,
);
const s = results.scan;
console.log(
  `scan vuln-app (${s.packages} packages, ${s.findings} findings): floor ${f(s.floorSeconds)} s; cold ${f(s.cold.seconds)} s = ${f(s.cold.ratioToFloor)}× (goal ≤ 2); warm ${f(s.warm.seconds)} s = ${f(s.warm.ratioToFloor)}× (goal ≤ 0.5); peak RSS ${s.cold.maxRssMb.toFixed(0)} MB`,
);
const m = results.matching;
console.log(
  `matching: ${m.packages} packages → ${m.findings} findings in ${f(m.seconds)} s = ${Math.round(m.packagesPerSecond)} packages/s; bare lookups ${f(m.bareLookupSeconds)} s (${f(m.ratioToBareLookups)}×, goal ≤ 5)`,
);
