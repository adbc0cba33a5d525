import { type InUseItem, LIMITS } from "@rampart/console/protocol";
import { BOUNDS } from "./bounds.js";
import type { Discoverer, DiscoveryContext } from "./discoverer.js";
import { procText, timeSlicer } from "./proc-fs.js";
import { type ProcessRecord, type ProcessSource, readProcesses } from "./processes.js";

const DELETED = " (deleted)";

/**
 * Mappings that name no file a package could have installed: memfd and System V shared memory, devices and
 * POSIX shared memory under /dev (/dev/zero, /dev/shm/…), and the kernel's bracketed names ("/[aio]").
 */
const NOT_A_PACKAGE_FILE = ["/memfd:", "/SYSV", "/dev/", "/[", "/anon_hugepage"];

/**
 * A path as the kernel shows it, without the " (deleted)" it adds once the file was removed or replaced. The
 * mark is dropped on purpose: a deleted file still mapped is typically a library a package upgrade replaced
 * while the process kept running, and the report's question is which packages' files a process uses. (A file
 * whose name really ends in " (deleted)" cannot be told apart: the kernel prints both the same way.)
 */
export const undeleted = (path: string): string => (path.endsWith(DELETED) ? path.slice(0, -DELETED.length) : path);

/**
 * The files a process has mapped, from /proc/PID/maps ("start-end perms offset dev inode path"), once each
 * in order of address: file-backed mappings only (inode ≠ 0, an absolute path), without anonymous memory,
 * "[heap]", "[stack]", "[vdso]" and the like. The kernel prints the path as seen from the process's own root,
 * which for a process in a container is the path inside the container's image.
 */
export function mappedFiles(maps: string): string[] {
  const files = new Set<string>();
  for (const line of maps.split("\n")) {
    // Five fields, then the path, which may itself contain spaces.
    const m = /^\S+\s+\S+\s+\S+\s+\S+\s+(\d+)\s+(\/.*)$/.exec(line);
    if (!m || m[1] === "0") continue;
    const path = m[2] as string;
    if (NOT_A_PACKAGE_FILE.some((p) => path.startsWith(p))) continue;
    files.add(undeleted(path));
  }
  return [...files];
}

export interface InUseOptions {
  processes?: ProcessSource;
  /** The most files listed for one process (the report allows 4096). */
  maxFilesPerProcess?: number;
  /** The most files in all (keeps the report's body within bounds on a host with many large processes). */
  maxTotalFiles?: number;
}

/**
 * What each process executes and has mapped (its executable, shared libraries, other mapped files), so the
 * console can tell which installed packages are in use. Kernel threads map nothing; a process whose maps we
 * may not read still shows its executable.
 */
export async function readInUse(
  ctx: DiscoveryContext,
  processes: readonly ProcessRecord[],
  opts: InUseOptions = {},
): Promise<InUseItem[]> {
  const perProcess = Math.min(opts.maxFilesPerProcess ?? BOUNDS.filesPerProcess, BOUNDS.filesPerProcess);
  let budget = opts.maxTotalFiles ?? 100_000;
  const candidates = processes.filter((p) => !p.kernelThread).slice(0, LIMITS.inUse);
  const slice = timeSlicer(ctx.signal);
  const items: InUseItem[] = [];
  let cut = 0;
  for (const p of candidates) {
    await slice();
    const maps = procText(`${ctx.procRoot}/${p.pid}/maps`);
    const all = new Set<string>();
    if (p.exe) all.add(undeleted(p.exe));
    for (const f of maps === undefined ? [] : mappedFiles(maps)) all.add(f);
    const files = [...all].filter((f) => f.length <= BOUNDS.path);
    if (files.length === 0) continue;
    const keep = Math.min(files.length, perProcess, budget);
    cut += files.length - keep;
    if (keep === 0) continue;
    budget -= keep;
    items.push({ pid: p.pid, files: files.slice(0, keep) });
  }
  if (cut > 0) ctx.warn(`${cut} mapped files over the in-use limits were left out`);
  return items;
}

/** The inUse section. */
export function inUseDiscoverer(opts: InUseOptions = {}): Discoverer {
  const source = opts.processes ?? ((ctx: DiscoveryContext) => readProcesses(ctx));
  return {
    name: "in-use",
    async discover(ctx) {
      return { inUse: await readInUse(ctx, await source(ctx), opts) };
    },
  };
}
