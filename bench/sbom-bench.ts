/**
 * SBOM speed and memory, as ratios against baselines measured in the same run on the same machine:
 *   floor  — decompress and read every layer of the bookworm image (gzip -dc | tar -xO > /dev/null),
 *            the least any scanner must do cold;
 *   cdxgen — @cyclonedx/cdxgen on the same root filesystem directory (installed into bench/.tools).
 * Prints each ratio, package counts and peak RSS; writes bench/results/sbom.json. Goals (issue 2):
 * cold ≤ 1.5× the floor, warm (layer cache) ≤ 0.1× the floor, many times faster than cdxgen with at least
 * its package count.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
const TD = process.env.RAMPART_TESTDATA ?? "/tmp/rampart-testdata";
const CLI = join(ROOT, "packages/cli/dist/rampart.mjs");
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const need = (p: string) => {
  if (!existsSync(p)) throw new Error(`${p} is missing: run npm run test:setup and npm run build first`);
  return p;
};

interface Run {
  seconds: number;
  maxRssMb: number;
  stdout: string;
}

/** Runs a command under GNU time, returning wall time and peak RSS. */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync("/usr/bin/time", ["-f", "%e %M", cmd, ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    maxBuffer: 1 << 30,
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr.slice(-2000)}`);
  const last = r.stderr.trim().split("\n").pop() ?? "";
  const [secs, kb] = last.split(" ").map(Number);
  return { seconds: secs ?? Number.NaN, maxRssMb: (kb ?? 0) / 1024, stdout: r.stdout };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function best(n: number, f: () => Run): Run {
  const runs = Array.from({ length: n }, f);
  const s = median(runs.map((r) => r.seconds));
  return { seconds: s, maxRssMb: Math.max(...runs.map((r) => r.maxRssMb)), stdout: runs[0]?.stdout ?? "" };
}

const layout = need(join(TD, "oci"));
const rootfs = need(join(TD, "rootfs-bookworm"));
need(CLI);
const index = JSON.parse(readFileSync(join(layout, "index.json"), "utf8"));
const top = index.manifests.find(
  (m: { annotations?: Record<string, string> }) =>
    m.annotations?.["org.opencontainers.image.ref.name"] === "debian-bookworm",
);
const blob = (d: string) => join(layout, "blobs", ...d.split(":"));
const manifest = JSON.parse(readFileSync(blob(top.digest), "utf8"));
const layerBlobs: string[] = manifest.layers.map((l: { digest: string }) => blob(l.digest));

// 1. the floor: decompress + read every layer
const floor = best(RUNS, () =>
  timed("sh", ["-c", layerBlobs.map((b) => `gzip -dc '${b}' | tar -xOf - > /dev/null`).join(" && ")]),
);

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
mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
writeFileSync(join(ROOT, "bench", "results", "sbom.json"), `${JSON.stringify(results, null, 2)}\n`);
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
