import type { PackageInput } from "../../package/package.js";
import type { CatalogContext } from "../cataloger.js";
import { errorMessage } from "../parse.js";
import { BdbError, isBerkeleyHash, readBdbHash } from "./bdb.js";
import { RpmHeaderError } from "./header.js";
import { rpmPackageFromBlob } from "./package.js";
import { isSqlite, readSqliteBlobs } from "./sqlite.js";

/**
 * Reads an rpm database, whichever backend wrote it (told by content, not by name): SQLite (rpmdb.sqlite)
 * or Berkeley DB hash (Packages). Corrupt header blobs are counted and reported once; the rest is kept.
 */
export function parseRpmDb(content: Buffer, path: string, ctx: CatalogContext): PackageInput[] {
  let blobs: Buffer[];
  try {
    blobs = readBlobs(content, path, ctx);
  } catch (e) {
    ctx.warn(`${path}: unreadable rpm database: ${errorMessage(e)}`);
    return [];
  }
  const out: PackageInput[] = [];
  let bad = 0;
  let firstError = "";
  for (const blob of blobs) {
    try {
      const pkg = rpmPackageFromBlob(blob, path);
      if (pkg) out.push(pkg);
    } catch (e) {
      if (!(e instanceof RpmHeaderError)) throw e;
      bad++;
      firstError ||= e.message;
    }
  }
  if (bad > 0) ctx.warn(`${path}: ${bad} corrupt package header(s) skipped (first: ${firstError})`);
  return out;
}

function readBlobs(content: Buffer, path: string, ctx: CatalogContext): Buffer[] {
  if (isSqlite(content)) return readSqliteBlobs(content).map((r) => r.blob);
  if (isBerkeleyHash(content)) {
    let bad = 0;
    const records = readBdbHash(content, () => bad++);
    if (bad > 0) ctx.warn(`${path}: ${bad} unreadable Berkeley DB record(s) skipped`);
    // Record 0 is not a package: it holds rpm's next header number.
    return records.filter((r) => !(r.key.length === 4 && r.key.readUInt32LE(0) === 0)).map((r) => r.value);
  }
  throw new BdbError("neither SQLite nor Berkeley DB hash (NDB databases are not supported)");
}
