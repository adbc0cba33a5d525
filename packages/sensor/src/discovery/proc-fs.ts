import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, readSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";

/**
 * Reads of /proc and the host's files where "not there" is normal: a process that exits mid-read (ENOENT,
 * ESRCH), a file we may not read (EACCES, EPERM: another user's process, a non-dumpable one). Any system error
 * gives undefined; the caller decides whether that is worth a warning.
 *
 * The /proc readers are synchronous on purpose. A /proc file is made by the kernel on read and never waits on
 * a disk, so the cost of an asynchronous read is all in the trips through libuv's thread pool: measured on a
 * 2-CPU host, a pass over ~90 processes took ~80 ms with fs/promises (16 in flight) against ~20 ms with the
 * synchronous calls. The walks stay responsive by yielding to the event loop between slices (`timeSlicer`).
 */
const systemError = (e: unknown): boolean =>
  e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string";

function quietly<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (e) {
    if (systemError(e)) return undefined;
    throw e;
  }
}

export const procText = (path: string): string | undefined => quietly(() => readFileSync(path, "utf8"));
export const procLink = (path: string): string | undefined => quietly(() => readlinkSync(path));
export const procDir = (path: string): string[] | undefined => quietly(() => readdirSync(path));
export const procInode = (path: string): number | undefined => quietly(() => statSync(path).ino);

/** The first `maxBytes` of a file (/proc/PID/cmdline can be megabytes; the report keeps 4096 characters). */
export function procHead(path: string, maxBytes: number): Buffer | undefined {
  return quietly(() => {
    const fd = openSync(path, "r");
    try {
      const buf = Buffer.allocUnsafe(maxBytes);
      let n = 0;
      // /proc files report size 0 and may return less than asked per read: read until full or end of file.
      while (n < maxBytes) {
        const got = readSync(fd, buf, n, maxBytes - n, null);
        if (got === 0) break;
        n += got;
      }
      return buf.subarray(0, n);
    } finally {
      closeSync(fd);
    }
  });
}

/** A file of the host's filesystem (os-release, passwd…), read asynchronously: it may be on a slow disk. */
export async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    if (systemError(e)) return undefined;
    throw e;
  }
}

/**
 * Lets a long synchronous walk give the event loop a turn: `await slice()` between steps returns at once until
 * `ms` of work have passed since the last turn, then waits for one. Also the place to stop on abort.
 */
export function timeSlicer(signal?: AbortSignal, ms = 8): () => Promise<void> {
  let since = performance.now();
  return async () => {
    signal?.throwIfAborted();
    if (performance.now() - since < ms) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    since = performance.now();
    signal?.throwIfAborted();
  };
}

/** Cuts a string to the report's bound for the field. */
export const clip = (s: string, max: number): string => (s.length > max ? s.slice(0, max) : s);
