import { constants as fsc, lstatSync, readdirSync, type Stats } from "node:fs";
import { lstat, open, readdir, realpath } from "node:fs/promises";
import { posix } from "node:path";
import { HOST_EXCLUDES } from "../source/directory.js";
import { isUnder } from "../source/path.js";
import { resolveInRoot } from "../source/root-path.js";

export type FileKind = "file" | "dir" | "symlink" | "other";

/** A file's metadata as controls see it: permission bits and owners are what CIS checks. */
export interface FileMeta {
  /** Absolute path inside the root. */
  path: string;
  kind: FileKind;
  /** Permission bits with setuid/setgid/sticky (mode & 0o7777). */
  mode: number;
  uid: number;
  gid: number;
  size: number;
}

/** Config files are small; anything larger is not a config file and is not read whole. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
/** A walk of a large host stops here, with a warning, so a scan stays bounded. */
export const MAX_WALK_ENTRIES = 2_000_000;

/**
 * A root filesystem (an unpacked image, a debootstrapped tree, or the live host's "/") as posture controls
 * read it. Every path is resolved inside the root with its symbolic links, so a link to "/etc/shadow" in a
 * scanned tree never reads the scanning machine's file and a link loop is only "missing".
 */
export class FileView {
  constructor(
    readonly root: string,
    /** Paths a walk leaves out: the live host's /proc, /sys, container stores. */
    readonly excludes: readonly string[] = [],
  ) {}

  static forHost(root = "/"): FileView {
    return new FileView(root, HOST_EXCLUDES);
  }

  /**
   * The real path of `path`: links resolved inside the root. For the root "/" the kernel resolves them
   * (resolveInRoot leaves "/" paths as they are), so a symlinked config such as /etc/os-release is followed
   * there as under any other root.
   */
  private async resolve(path: string): Promise<string | undefined> {
    if (this.root === "/") return realpath(path).catch(() => path);
    return resolveInRoot(this.root, path);
  }

  /** Metadata of `path`, following symbolic links inside the root; undefined when it does not exist. */
  async stat(path: string): Promise<FileMeta | undefined> {
    const abs = await this.resolve(path);
    if (abs === undefined) return undefined;
    try {
      return metaOf(path, await lstat(abs));
    } catch {
      return undefined;
    }
  }

  /** The text of a regular file (links followed inside the root); undefined when missing or unreadable. */
  async read(path: string, limit = MAX_CONFIG_BYTES): Promise<string | undefined> {
    const abs = await this.resolve(path);
    if (abs === undefined) return undefined;
    try {
      const fh = await open(abs, fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK);
      try {
        const st = await fh.stat();
        if (!st.isFile()) return undefined;
        if (st.size > limit)
          throw new Error(`${path}: ${st.size} bytes is larger than the ${limit} a config file may be`);
        return (await fh.readFile()).toString("utf8");
      } finally {
        await fh.close();
      }
    } catch (e) {
      if ((e as Error).message.includes("larger than")) throw e;
      return undefined;
    }
  }

  /** Names in a directory, sorted; undefined when it is missing. */
  async list(dir: string): Promise<string[] | undefined> {
    const abs = await this.resolve(dir);
    if (abs === undefined) return undefined;
    try {
      return (await readdir(abs)).sort();
    } catch {
      return undefined;
    }
  }

  /** The texts of the files of a directory whose names pass `accept` ("/etc/sysctl.d", n => n.endsWith(".conf")). */
  async readDir(
    dir: string,
    accept: (name: string) => boolean = () => true,
  ): Promise<Array<{ path: string; text: string }>> {
    const out: Array<{ path: string; text: string }> = [];
    for (const name of (await this.list(dir)) ?? []) {
      if (!accept(name)) continue;
      const path = posix.join(dir, name);
      const text = await this.read(path);
      if (text !== undefined) out.push({ path, text });
    }
    return out;
  }

  /**
   * Every entry of the tree once, depth first, without following links (no loops, nothing outside the root),
   * leaving out the excludes and, with `sameDevice`, other filesystems mounted below the root (as `find -xdev`).
   */
  async *walk(warn: (m: string) => void, o: { sameDevice?: boolean } = {}): AsyncGenerator<FileMeta> {
    // Synchronous calls on purpose: a whole host is ~600,000 entries, and one promise and thread-pool hop
    // per lstat made the walk take a minute where `find -xdev` takes 4 s; sync calls take about as long as
    // find. The walk yields to the event loop between directories.
    let rootDev: number;
    try {
      rootDev = lstatSync(this.root).dev;
    } catch (e) {
      warn(`${this.root}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      return;
    }
    const stack = ["/"];
    let seen = 0;
    let sinceYield = 0;
    while (stack.length > 0) {
      const dir = stack.pop() as string;
      let names: string[];
      try {
        names = readdirSync(dir === "/" ? this.root : posix.join(this.root, dir)).sort();
      } catch (e) {
        warn(`${dir}: cannot list: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        continue;
      }
      const subdirs: string[] = [];
      for (const name of names) {
        const path = dir === "/" ? `/${name}` : `${dir}/${name}`;
        if (this.excludes.some((x) => isUnder(path, x))) continue;
        if (++seen > MAX_WALK_ENTRIES) {
          warn(`the walk stopped after ${MAX_WALK_ENTRIES} entries: file-wide controls saw part of the tree`);
          return;
        }
        const st = lstatSync(posix.join(this.root, path), { throwIfNoEntry: false });
        if (!st) continue; // vanished while walking (live host)
        const meta = metaOf(path, st);
        yield meta;
        if (meta.kind === "dir" && (!o.sameDevice || st.dev === rootDev)) subdirs.push(path);
      }
      for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i] as string);
      sinceYield += names.length;
      if (sinceYield > 5000) {
        sinceYield = 0;
        await new Promise((r) => setImmediate(r));
      }
    }
  }
}

function metaOf(path: string, st: Stats): FileMeta {
  const kind: FileKind = st.isFile() ? "file" : st.isDirectory() ? "dir" : st.isSymbolicLink() ? "symlink" : "other";
  return {
    path,
    kind,
    mode: Number(st.mode) & 0o7777,
    uid: Number(st.uid),
    gid: Number(st.gid),
    size: Number(st.size),
  };
}
