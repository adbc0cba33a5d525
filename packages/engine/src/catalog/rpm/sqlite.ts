import type BetterSqlite3 from "better-sqlite3";
import { lazy } from "../../lazy.js";

const sqlite = lazy<typeof BetterSqlite3>("better-sqlite3");

/** Whether the content is an SQLite database file ("SQLite format 3\0"). */
export function isSqlite(content: Uint8Array): boolean {
  return (
    Buffer.from(content.buffer, content.byteOffset, Math.min(16, content.byteLength)).toString("latin1") ===
    "SQLite format 3\0"
  );
}

/**
 * The header blobs of an rpm SQLite database (rpm ≥ 4.16: "Packages (hnum INTEGER PRIMARY KEY, blob BLOB)"),
 * opened from memory, never from disk.
 *
 * rpm keeps the database in WAL mode, and SQLite cannot deserialize a WAL-mode image: bytes 18 and 19
 * (file format write/read version) say 2 for WAL, 1 for a rollback journal. A copy with them set to 1 is
 * the same database. Rows still only in a "-wal" file next to it are not seen; rpm checkpoints on exit,
 * so an image's database normally has none.
 */
export function readSqliteBlobs(content: Buffer): Array<{ hnum: number; blob: Buffer }> {
  let image = content;
  if (content[18] === 2 || content[19] === 2) {
    image = Buffer.from(content);
    image[18] = 1;
    image[19] = 1;
  }
  const Database = sqlite();
  const db = new Database(image, { readonly: true });
  try {
    return db.prepare("SELECT hnum, blob FROM Packages").all() as Array<{ hnum: number; blob: Buffer }>;
  } finally {
    db.close();
  }
}
