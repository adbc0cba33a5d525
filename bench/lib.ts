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

/** A running process's resident set (VmRSS), its peak so far (VmHWM) or one part of it (RssAnon: heap and stacks; RssFile: mapped files such as the node binary), in MB, from /proc/PID/status. */
export function procRssMb(pid: number, field: "VmRSS" | "VmHWM" | "RssAnon" | "RssFile" = "VmRSS"): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m?.[1] ?? 0) / 1024;
}

/** Clock ticks per second, the unit of /proc/PID/stat's CPU times (100 on Linux, asked rather than assumed). */
let clkTck: number | undefined;
const ticksPerSecond = () =>
  (clkTck ??= Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout?.trim()) || 100);

/** CPU seconds a process used so far: utime + stime from /proc/PID/stat (fields 14 and 15). */
export function procCpuSeconds(pid: number): number {
  // The command name (field 2) may hold spaces and parentheses: the fields after it follow the last ") ".
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
}

/**
 * A process's proportional set size in MB (/proc/PID/smaps_rollup): its private pages plus its share of the
 * pages it shares, such as the node binary's code that every node process maps.
 */
export function procPssMb(pid: number): number {
  const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
  return Number(m?.[1] ?? 0) / 1024;
}
