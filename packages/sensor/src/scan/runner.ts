import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { setPriority } from "node:os";
import { join } from "node:path";
import type { ScanJob, ScanOutput, ScanSubject } from "./job.js";

/** How to start the scan worker: the node binary's arguments before the job file. */
export interface WorkerCommand {
  /** e.g. [".../dist/sensor-scan-worker.mjs"], or ["--import", "tsx", ".../worker.ts"] from sources. */
  args: string[];
}

export interface ScanLimits {
  /** Niceness of the worker (0–19; default 10: the host's own work comes first). */
  nice: number;
  /** V8 heap limit of the worker in MB (default 1024). */
  heapMb: number;
  /** The worker is killed after this long (default 30 min). */
  timeoutMs: number;
}

export const DEFAULT_LIMITS: ScanLimits = { nice: 10, heapMb: 1024, timeoutMs: 30 * 60_000 };

/** The environment of a scan worker: the sensor's, without anything that names a credential. */
export function workerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !/KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL/i.test(k)));
}

export class ScanFailed extends Error {
  override name = "ScanFailed";
}

/**
 * Runs one scan in a worker process: at low priority, with a heap limit and a deadline, abortable. The
 * sensor's own memory stays what discovery needs, whatever the scan reads.
 */
export async function runScan(
  worker: WorkerCommand,
  subject: ScanSubject,
  scanners: ScanJob["scanners"],
  o: { scratch: string; limits?: Partial<ScanLimits>; signal?: AbortSignal },
): Promise<ScanOutput> {
  const limits = { ...DEFAULT_LIMITS, ...o.limits };
  await mkdir(o.scratch, { recursive: true, mode: 0o700 });
  const dir = await mkdtemp(join(o.scratch, "scan-"));
  try {
    const job: ScanJob = { subject, scanners, out: join(dir, "out.json"), tmpDir: dir };
    await writeFile(join(dir, "job.json"), JSON.stringify(job));
    const child = spawn(
      process.execPath,
      [`--max-old-space-size=${limits.heapMb}`, ...worker.args, join(dir, "job.json")],
      {
        stdio: ["ignore", "ignore", "pipe"],
        // The worker parses untrusted content: it gets no credentials (the sensor's API key stays here).
        env: workerEnv(process.env),
        ...(o.signal ? { signal: o.signal } : {}),
      },
    );
    if (child.pid !== undefined)
      try {
        setPriority(child.pid, limits.nice);
      } catch {
        // lowering the priority needs nothing special; failing to is not a reason to refuse the scan
      }
    let stderr = "";
    child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      if (stderr.length < 8192) stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), limits.timeoutMs);
    const code = await new Promise<number | string>((resolve) => {
      child.once("error", (e) => resolve(e.message));
      child.once("exit", (c, signal) => resolve(c ?? signal ?? "killed"));
    }).finally(() => clearTimeout(timer));
    o.signal?.throwIfAborted();
    if (code !== 0)
      throw new ScanFailed(
        stderr.trim() || `the scan worker ended with ${code}${code === "SIGKILL" ? " (deadline or memory)" : ""}`,
      );
    return JSON.parse(await readFile(job.out, "utf8")) as ScanOutput;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
