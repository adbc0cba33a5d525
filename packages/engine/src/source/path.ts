import { posix } from "node:path";

/**
 * Normalizes an archive member or walked path to an absolute path inside the root.
 * Returns undefined for a path that would climb out of the root ("../../etc/passwd"): the caller skips it
 * with a warning. Leading "./" and "/" are both accepted, as tar writers use either.
 */
export function normalizeInRoot(raw: string): string | undefined {
  const parts: string[] = [];
  for (const seg of raw.replaceAll("\\", "/").split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (parts.length === 0) return undefined;
      parts.pop();
      continue;
    }
    parts.push(seg);
  }
  return `/${parts.join("/")}`;
}

/**
 * Resolves a symlink target the way the kernel would inside a chroot: relative targets from the link's
 * directory, absolute targets from the image root; ".." never climbs above "/".
 */
export function resolveLinkTarget(linkPath: string, target: string): string {
  const base = target.startsWith("/") ? target : posix.join(posix.dirname(linkPath), target);
  const parts: string[] = [];
  for (const seg of base.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") parts.pop();
    else parts.push(seg);
  }
  return `/${parts.join("/")}`;
}

/** Is `path` equal to `dir` or below it? Both absolute and normalized. */
export function isUnder(path: string, dir: string): boolean {
  if (dir === "/") return true;
  return path === dir || path.startsWith(`${dir}/`);
}
