import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** What every benchmark shares: paths, GNU time measurements, medians, and the layer floor. */
export const ROOT = resolve(import.meta.dirname, "..");
export const TD = process.env.RAMPART_TESTDATA ?? "/tmp/rampart-testdata";
export const CLI = join(ROOT, "packages/cli/dist/rampart.mjs");
export const RUNS = Number(process.env.BENCH_RUNS ?? 3);

export const need = (p: string) => {
  if (!existsSync(p)) throw new Error(`${p} is missing: run npm run test:setup and npm run build first`);
  return p;
};

export interface Run {
  seconds: number;
  maxRssMb: number;
  stdout: string;
}

/** Runs a command under GNU time, returning wall time and peak RSS. */
export function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync("/usr/bin/time", ["-f", "%e %M", cmd, ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    maxBuffer: 1 << 30,
  });
  if (r.status !== 0 && r.status !== 3) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr.slice(-2000)}`);
  const last = r.stderr.trim().split("\n").pop() ?? "";
  const [secs, kb] = last.split(" ").map(Number);
  return { seconds: secs ?? Number.NaN, maxRssMb: (kb ?? 0) / 1024, stdout: r.stdout };
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** The median time of n runs, with the highest peak RSS among them. */
export function best(n: number, f: () => Run): Run {
  const runs = Array.from({ length: n }, f);
  const s = median(runs.map((r) => r.seconds));
  return { seconds: s, maxRssMb: Math.max(...runs.map((r) => r.maxRssMb)), stdout: runs[0]?.stdout ?? "" };
}

/** The layer blobs of an image tagged `ref` in the test OCI layout. */
export function layerBlobs(layout: string, ref: string): string[] {
  const index = JSON.parse(readFileSync(join(layout, "index.json"), "utf8"));
  const top = index.manifests.find(
    (m: { annotations?: Record<string, string> }) => m.annotations?.["org.opencontainers.image.ref.name"] === ref,
  );
  if (!top) throw new Error(`${layout}: no image tagged ${ref}`);
  const blob = (d: string) => join(layout, "blobs", ...d.split(":"));
  const manifest = JSON.parse(readFileSync(blob(top.digest), "utf8"));
  return manifest.layers.map((l: { digest: string }) => blob(l.digest));
}

/** The least any scanner must do cold: decompress and read every layer (gzip -dc | tar -xO > /dev/null). */
export function floorOf(blobs: string[]): Run {
  return best(RUNS, () =>
    timed("sh", ["-c", blobs.map((b) => `gzip -dc '${b}' | tar -xOf - > /dev/null`).join(" && ")]),
  );
}

export function writeResults(name: string, results: unknown): void {
  mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
  writeFileSync(join(ROOT, "bench", "results", `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
}
