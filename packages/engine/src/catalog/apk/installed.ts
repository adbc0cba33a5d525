import type { PackageInput } from "../../package/package.js";
import type { CatalogContext } from "../cataloger.js";

/**
 * Reads apk's installed database (/lib/apk/db/installed, apk-tools 2.x as on Alpine, Wolfi and Chainguard):
 * one "X:value" line per field, packages separated by a blank line. Hand-written: it is a line format
 * with one-letter keys and no npm package reads it. Keys used (apk-tools' "index format"):
 * P name, V version, A arch, L license, o origin (the source package), m maintainer, I installed size;
 * F directory and R file (relative to /) list what the package installed, reported through ctx.own.
 */
export function parseApkInstalled(text: string, path: string, ctx: CatalogContext): PackageInput[] {
  const out: PackageInput[] = [];
  let fields = new Map<string, string>();
  let badLines = 0;
  let incomplete = 0;
  let dir = "";
  let files: string[] = [];
  const flush = () => {
    if (fields.size === 0) return;
    const name = fields.get("P");
    if (name && files.length > 0) ctx.own?.(name, files);
    files = [];
    const pkg = toPackage(fields, path);
    if (pkg) out.push(pkg);
    else incomplete++;
    fields = new Map();
  };
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line === "") {
      flush();
      continue;
    }
    if (line.length < 2 || line[1] !== ":") {
      badLines++;
      continue;
    }
    const key = line[0] as string;
    if (key === "F") dir = line.slice(2);
    else if (key === "R") files.push(`/${dir ? `${dir}/` : ""}${line.slice(2)}`);
    // Per-file keys (F, R, Z, a, M) repeat; package-level keys come first, so the first value wins.
    if (!fields.has(key)) fields.set(key, line.slice(2));
  }
  flush();
  if (badLines > 0) ctx.warn(`${path}: ${badLines} line(s) that are not "X:value" fields were skipped`);
  if (incomplete > 0) ctx.warn(`${path}: ${incomplete} entries without a name (P:) or version (V:) skipped`);
  return out;
}

function toPackage(f: Map<string, string>, path: string): PackageInput | undefined {
  const name = f.get("P");
  const version = f.get("V");
  if (!name || !version) return undefined;
  const pkg: PackageInput = {
    type: "apk",
    name,
    version,
    source: { name: f.get("o") || name, version },
    location: { path },
  };
  const arch = f.get("A");
  if (arch) pkg.arch = arch;
  // L: is one license expression ("MPL-2.0 AND MIT"; older packages: "GPL2+ MIT"); kept whole.
  const license = f.get("L")?.trim();
  if (license) pkg.licenses = [license];
  const metadata: NonNullable<PackageInput["metadata"]> = {};
  const maintainer = f.get("m");
  if (maintainer) metadata.maintainer = maintainer;
  const size = Number(f.get("I"));
  // I: is in bytes.
  if (Number.isFinite(size) && size > 0) metadata.installedSize = size;
  if (Object.keys(metadata).length > 0) pkg.metadata = metadata;
  return pkg;
}
