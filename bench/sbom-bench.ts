/**
 * SBOM speed and memory, as ratios against baselines measured in the same run on the same machine:
 *   floor  — decompress and read every layer of the bookworm image (gzip -dc | tar -xO > /dev/null),
 *            the least any scanner must do cold;
 *   cdxgen — @cyclonedx/cdxgen on the same root filesystem directory (installed into bench/.tools).
 * Prints each ratio, package counts and peak RSS; writes bench/results/sbom.json. Goals (issue 2):
 * cold ≤ 1.5× the floor, warm (layer cache) ≤ 0.1× the floor, many times faster than cdxgen with at least
 * its package count.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { best, layerBlobs as blobsOf, CLI, floorOf, need, ROOT, RUNS, TD, timed, writeResults } from "./lib.js";

const layout = need(join(TD, "oci"));
const rootfs = need(join(TD, "rootfs-bookworm"));
need(CLI);
const layerBlobs = blobsOf(layout, "debian-bookworm");

// 1. the floor: decompress + read every layer
const floor = floorOf(layerBlobs);

// 2. rampart cold (empty cache every run) and warm (cache filled)
const target = `oci:${layout}:debian-bookworm`;
const cacheDir = mkdtempSync(join(tmpdir(), "rampart-bench-cache-"));
const sbom = (extra: string[]) =>
  timed("node", [CLI, "sbom", target, "--format", "json", "--quiet", "--cache-dir", cacheDir, ...extra]);
const cold = best(RUNS, () => {
  rmSync(cacheDir, { recursive: true, force: true });
  return sbom([]);
});
const warm = best(RUNS, () => sbom([]));
const imagePackages = JSON.parse(warm.stdout).packages.length as number;
rmSync(cacheDir, { recursive: true, force: true });

// 3. rootfs directory: rampart vs cdxgen
const dirRun = best(RUNS, () => timed("node", [CLI, "sbom", rootfs, "--format", "json", "--quiet", "--no-cache"]));
const dirPackages = JSON.parse(dirRun.stdout).packages.length as number;
const tools = join(ROOT, "bench", ".tools");
const cdxgenBin = join(tools, "node_modules", ".bin", "cdxgen");
if (!existsSync(cdxgenBin)) {
  mkdirSync(tools, { recursive: true });
  execFileSync(
    "npm",
    ["install", "--prefix", tools, "--no-audit", "--no-fund", "--loglevel=error", "@cyclonedx/cdxgen@12"],
    { stdio: "inherit" },
  );
}
const cdxOut = join(mkdtempSync(join(tmpdir(), "rampart-bench-cdxgen-")), "bom.json");
const cdx = best(1, () =>
  timed(cdxgenBin, ["-t", "rootfs", "-o", cdxOut, rootfs], { CDXGEN_TEMP_DIR: tmpdir(), FETCH_LICENSE: "false" }),
);
// cdxgen lists files as pkg:generic components and a Debian source package as a component of its own; Rampart
// records the source on each binary package. Compare like with like: distinct name@version of real packages,
// and Rampart's packages together with the source packages they name.
const cdxComponents = JSON.parse(readFileSync(cdxOut, "utf8")).components as Array<{ purl?: string }>;
const nameAtVersion = (purl: string) =>
  decodeURIComponent(purl.split("?")[0] ?? "").replace(/^pkg:[^/]+\/(?:[^/]+\/)*/, "");
const cdxPackages = new Set(
  cdxComponents
    .map((c) => c.purl)
    .filter((p): p is string => !!p && !p.startsWith("pkg:generic/"))
    .map(nameAtVersion),
).size;
const dirInventory = JSON.parse(dirRun.stdout) as {
  packages: Array<{ name: string; version: string; source?: { name: string; version: string } }>;
};
const withSources = new Set(
  dirInventory.packages.flatMap((p) => [
    `${p.name}@${p.version}`,
    ...(p.source ? [`${p.source.name}@${p.source.version}`] : []),
  ]),
).size;

const results = {
  machine: { cpus: (await import("node:os")).cpus().length, node: process.version },
  image: { target: "debian-bookworm (OCI layout, gzip layers)", packages: imagePackages },
  floorSeconds: floor.seconds,
  cold: { seconds: cold.seconds, ratioToFloor: cold.seconds / floor.seconds, maxRssMb: cold.maxRssMb },
  warm: { seconds: warm.seconds, ratioToFloor: warm.seconds / floor.seconds, maxRssMb: warm.maxRssMb },
  rootfs: {
    rampart: {
      seconds: dirRun.seconds,
      packages: dirPackages,
      withSourcePackages: withSources,
      maxRssMb: dirRun.maxRssMb,
    },
    cdxgen: { seconds: cdx.seconds, packages: cdxPackages, components: cdxComponents.length, maxRssMb: cdx.maxRssMb },
    speedup: cdx.seconds / dirRun.seconds,
  },
};
writeResults("sbom", results);
const f = (n: number) => n.toFixed(2);
console.log(`floor (gzip -dc | tar, ${layerBlobs.length} layer): ${f(floor.seconds)} s`);
console.log(
  `rampart cold: ${f(cold.seconds)} s = ${f(results.cold.ratioToFloor)}× floor (goal ≤ 1.5), peak RSS ${cold.maxRssMb.toFixed(0)} MB, ${imagePackages} packages`,
);
console.log(
  `rampart warm: ${f(warm.seconds)} s = ${f(results.warm.ratioToFloor)}× floor (goal ≤ 0.1), peak RSS ${warm.maxRssMb.toFixed(0)} MB`,
);
console.log(
  `rootfs dir: rampart ${f(dirRun.seconds)} s, ${dirPackages} packages (${withSources} with their source packages), ${dirRun.maxRssMb.toFixed(0)} MB; ` +
    `cdxgen ${f(cdx.seconds)} s, ${cdxPackages} packages (${cdxComponents.length} components incl. files), ${cdx.maxRssMb.toFixed(0)} MB → rampart ${f(results.rootfs.speedup)}× faster`,
);
