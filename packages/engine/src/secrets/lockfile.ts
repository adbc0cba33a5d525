/**
 * Lock files are scanned: a private registry URL with credentials in a `resolved`/`source` field is a real
 * leak. What they are full of, though, is integrity hashes and tarball URLs ending in content hashes, which
 * look like high-entropy tokens. A finding on such a line is dropped unless the secret sits in a URL's
 * userinfo (`scheme://user:SECRET@host`), the one place a credential appears in a lock file.
 */
const LOCK_FILES: ReadonlySet<string> = new Set([
  "package-lock.json",
  "npm-shrinkwrap.json",
  "yarn.lock",
  "pnpm-lock.yaml",
  "bun.lock",
  "Cargo.lock",
  "poetry.lock",
  "Pipfile.lock",
  "pdm.lock",
  "uv.lock",
  "composer.lock",
  "Gemfile.lock",
  "packages.lock.json",
  "gradle.lockfile",
  "mix.lock",
  "pubspec.lock",
  "Podfile.lock",
  "Package.resolved",
  "flake.lock",
  "go.sum",
]);

/** Field names and digest markers of hash lines across the lock formats above. */
const HASH_LINE =
  /\b(?:integrity|checksum|shasum|hash|hashes|content-hash|resolved|reference|narHash|rev|resolution)\b|\b(?:sha1|sha224|sha256|sha384|sha512|md5|blake2b)[-:=]|\bh1:/i;

export function isLockFile(path: string): boolean {
  return LOCK_FILES.has(path.slice(path.lastIndexOf("/") + 1));
}

/**
 * True when a finding in a lock file is hash noise: its line is a hash/URL field and the secret (at
 * [start, end) of `line`, in characters) is not a URL's userinfo.
 */
export function isLockFileNoise(line: string, start: number, end: number): boolean {
  if (!HASH_LINE.test(line)) return false;
  return !inUserinfo(line, start, end);
}

function inUserinfo(line: string, start: number, end: number): boolean {
  const scheme = line.lastIndexOf("://", start);
  if (scheme === -1) return false;
  const at = line.indexOf("@", end);
  if (at === -1) return false;
  // Nothing between the scheme and the "@" may leave the authority part.
  return !/[/?#\s"']/.test(line.slice(scheme + 3, start)) && !/[/?#\s"']/.test(line.slice(end, at));
}
