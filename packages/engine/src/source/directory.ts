import { type Dirent, constants as fsc } from "node:fs";
import { lstat, open, opendir, readlink, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { EntryTooLargeError, type FileEntry, SourceError } from "./entry.js";
import { isUnder } from "./path.js";
import type { FilesystemSource, SourceOptions } from "./source.js";

/** What a scan of the live host leaves out: kernel and device views, runtime state, other images' stores. */
export const HOST_EXCLUDES: readonly string[] = [
  "/proc",
  "/sys",
  "/dev",
  "/run",
  "/var/run",
  "/var/lib/docker",
  "/var/lib/containers",
  "/var/lib/kubelet/pods",
  "/var/lib/containerd",
  "/var/log/journal",
];

async function readHead(abs: string, n: number): Promise<Buffer> {
  const fh = await open(abs, fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK);
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Reads at most `limit` bytes, refusing (not truncating) a file that grew past it since it was listed. */
async function readBounded(abs: string, path: string, size: number, limit: number): Promise<Buffer> {
  if (size > limit) throw new EntryTooLargeError(path, size, limit);
  const fh = await open(abs, fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK);
  try {
    const buf = Buffer.alloc(Math.min(limit, size) + 1);
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await fh.read(buf, got, buf.length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    if (got > limit) throw new EntryTooLargeError(path, got, limit);
    return buf.subarray(0, got);
  } finally {
    await fh.close();
  }
}

/**
 * Walks a directory tree as the root of a file view: depth first, sorted, never following symlinks (so no
 * loops and nothing outside the root), not reading files until a cataloger asks.
 */
async function* walk(root: string, excludes: readonly string[], warn: (m: string) => void): AsyncGenerator<FileEntry> {
  const stack: string[] = ["/"];
  while (stack.length > 0) {
    const dir = stack.pop() as string;
    const absDir = dir === "/" ? root : join(root, dir);
    const dirents: Dirent[] = [];
    try {
      const handle = await opendir(absDir, { bufferSize: 256 });
      for await (const d of handle) dirents.push(d);
    } catch (e) {
      warn(`${dir}: cannot list: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      continue;
    }
    dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const d of dirents) {
      const path = dir === "/" ? `/${d.name}` : `${dir}/${d.name}`;
      if (excludes.some((x) => isUnder(path, x))) continue;
      const abs = join(root, path);
      if (d.isDirectory()) {
        subdirs.push(path);
        continue;
      }
      if (d.isSymbolicLink()) {
        let target = "";
        try {
          target = await readlink(abs);
        } catch {
          continue;
        }
        yield {
          path,
          kind: "symlink",
          size: 0,
          mode: 0o777,
          linkTarget: target,
          peek: noContent(path),
          read: noContent(path),
        };
        continue;
      }
      if (!d.isFile()) continue;
      let size = 0;
      let mode = 0;
      try {
        const st = await lstat(abs);
        size = st.size;
        mode = st.mode;
      } catch {
        continue; // vanished while walking (live host)
      }
      yield {
        path,
        kind: "file",
        size,
        mode,
        peek: (n) => readHead(abs, n),
        read: (limit) => readBounded(abs, path, size, limit),
      };
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i] as string);
  }
}

const noContent = (path: string) => async (): Promise<Buffer> => {
  throw new Error(`${path}: not a regular file`);
};

const PROC_ROOT = /^(.*\/)?proc\/\d+\/root\/*$/;

/** A directory or unpacked root filesystem as a scan source. */
export async function openDirectory(
  path: string,
  opts: SourceOptions & { name?: string; transport?: "directory" | "host" } = {},
): Promise<FilesystemSource> {
  const st = await stat(path).catch(() => undefined);
  if (!st?.isDirectory()) throw new SourceError(`${path}: not a directory`);
  // /proc/PID/root is a link into the process's mount namespace (a running container's root filesystem):
  // resolving it would give this namespace's "/", so it is read through as given.
  const root = PROC_ROOT.test(path) ? path.replace(/\/+$/, "") : await realpath(path);
  const transport = opts.transport ?? "directory";
  const excludes = [...(transport === "host" ? HOST_EXCLUDES : []), ...(opts.excludes ?? [])];
  return {
    kind: "filesystem",
    name: opts.name ?? path,
    transport,
    root,
    entries: (warn) => walk(root, excludes, warn),
    close: async () => {},
  };
}

/** The live host, from "/". */
export function openHost(opts: SourceOptions = {}): Promise<FilesystemSource> {
  return openDirectory("/", { ...opts, name: "host", transport: "host" });
}
