import type { CatalogContext, CatalogFile } from "../cataloger.js";
import { isRecord, parseTomlFile } from "../parse.js";

/** One [[package]] table of a TOML lockfile, with the name and version every entry needs. */
export type PackageTable = Record<string, unknown> & { name: string; version: string };

/**
 * The [[package]] tables of a Python TOML lockfile (poetry.lock, uv.lock), one per locked distribution;
 * tables without a name or version are dropped. Undefined, after a warning, when the file is not TOML or
 * has no such tables.
 */
export function packageTables(file: CatalogFile, ctx: CatalogContext, lockName: string): PackageTable[] | undefined {
  const lock = parseTomlFile(file, ctx);
  if (lock === undefined) return undefined;
  if (!Array.isArray(lock.package)) {
    ctx.warn(`${file.path}: ${lockName} has no [[package]] tables`);
    return undefined;
  }
  return lock.package.filter(
    (p): p is PackageTable => isRecord(p) && typeof p.name === "string" && typeof p.version === "string",
  );
}
