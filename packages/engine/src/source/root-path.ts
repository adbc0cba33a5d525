import { lstat, readlink } from "node:fs/promises";
import { posix } from "node:path";

const MAX_LINKS = 40; // as the kernel's path walk

/**
 * The path of `path` inside `root` with symbolic links resolved as if `root` were "/": /etc/os-release is
 * often a link to "../usr/lib/os-release" and on some systems to "/usr/lib/os-release", which read from a
 * container with the host mounted at /host must mean /host/usr/lib/os-release, not the container's own file.
 * undefined when a link loops or a component cannot be read.
 */
export async function resolveInRoot(root: string, path: string): Promise<string | undefined> {
  if (root === "/") return path;
  const rest = path.split("/").filter((c) => c !== "" && c !== ".");
  const done: string[] = [];
  let links = 0;
  while (rest.length > 0) {
    const c = rest.shift() as string;
    if (c === "..") {
      done.pop(); // never above the root
      continue;
    }
    const here = posix.join(root, ...done, c);
    let isLink: boolean;
    try {
      isLink = (await lstat(here)).isSymbolicLink();
    } catch {
      // A missing component: the caller's read reports it as missing.
      return posix.join(root, ...done, c, ...rest);
    }
    if (!isLink) {
      done.push(c);
      continue;
    }
    if (++links > MAX_LINKS) return undefined;
    let target: string;
    try {
      target = await readlink(here);
    } catch {
      return undefined;
    }
    if (target.startsWith("/")) done.length = 0;
    rest.unshift(...target.split("/").filter((t) => t !== "" && t !== "."));
  }
  return posix.join(root, ...done);
}
