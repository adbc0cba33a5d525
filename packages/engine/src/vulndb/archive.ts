import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, mkdtemp, open, rm } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import type * as TarStream from "tar-stream";
import { writeFileAtomic } from "../atomic-file.js";
import { lazy } from "../lazy.js";
import { DbError } from "./errors.js";
import { installAtomically } from "./install.js";
import { acquireUpdateLock } from "./lock.js";
import { type DbStatus, defaultDbDir, VulnDb } from "./reader.js";
import { DB_FILE_NAME } from "./schema.js";

const tar = lazy<typeof TarStream>("tar-stream");

/** The one file that carries a DB into an air-gapped network: a gzipped tar of metadata.json + vuln.db. */
interface ArchiveMetadata {
  format: "rampart-vulndb";
  schemaVersion: number;
  builtAt: string;
  sha256: string;
  bytes: number;
  feeds: DbStatus["feeds"];
}

const sha256File = async (path: string) => {
  const h = createHash("sha256");
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h.digest("hex");
};

/** Writes the live DB (checked whole first) as one archive file, atomically. */
export async function exportDb(file: string, dbDir: string = defaultDbDir()): Promise<ArchiveMetadata> {
  const db = VulnDb.open(dbDir);
  const status = db.status();
  db.close();
  const meta: ArchiveMetadata = {
    format: "rampart-vulndb",
    schemaVersion: status.schemaVersion,
    builtAt: status.builtAt,
    sha256: await sha256File(status.path),
    bytes: status.bytes,
    feeds: status.feeds,
  };
  await writeFileAtomic(file, async (tmp) => {
    const pack = tar().pack();
    const out = pipeline(pack, createGzip(), createWriteStream(tmp));
    const metaBytes = Buffer.from(`${JSON.stringify(meta, null, 2)}\n`);
    pack.entry({ name: "metadata.json", size: metaBytes.length }, metaBytes);
    const entry = pack.entry({ name: DB_FILE_NAME, size: status.bytes });
    await pipeline(createReadStream(status.path), entry);
    pack.finalize();
    await out;
  });
  return meta;
}

/**
 * Replaces the live DB with the one in an archive made by exportDb, after checking the archive's checksum,
 * the DB's schema and every page. Anything wrong leaves the live DB as it was.
 */
export async function importDb(file: string, dbDir: string = defaultDbDir()): Promise<DbStatus> {
  await mkdir(dbDir, { recursive: true });
  const release = await acquireUpdateLock(dbDir);
  const work = await mkdtemp(join(dbDir, ".update-"));
  try {
    const tmpDb = join(work, DB_FILE_NAME);
    let meta: ArchiveMetadata | undefined;
    const extract = tar().extract();
    const done = new Promise<void>((resolve, reject) => {
      extract.on("entry", (header, stream, next) => {
        if (header.name === "metadata.json" && header.size !== undefined && header.size < 1_000_000) {
          const chunks: Buffer[] = [];
          stream.on("data", (c) => chunks.push(c as Buffer));
          stream.on("end", () => {
            try {
              meta = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ArchiveMetadata;
            } catch {
              return reject(new DbError(`${file}: metadata.json is not JSON`));
            }
            next();
          });
        } else if (header.name === DB_FILE_NAME && header.type === "file") {
          pipeline(stream, createWriteStream(tmpDb)).then(() => next(), reject);
        } else {
          stream.resume();
          stream.on("end", next);
        }
      });
      extract.on("finish", resolve);
      extract.on("error", reject);
    });
    await Promise.all([pipeline(createReadStream(file), createGunzip(), extract), done]).catch((e: Error) => {
      throw e instanceof DbError ? e : new DbError(`${file}: not a readable DB archive (${e.message})`);
    });
    if (meta?.format !== "rampart-vulndb") throw new DbError(`${file}: not a rampart DB archive (no metadata.json)`);
    const fh = await open(tmpDb, "r").catch(() => undefined);
    if (!fh) throw new DbError(`${file}: the archive holds no ${DB_FILE_NAME}`);
    await fh.close();
    if ((await sha256File(tmpDb)) !== meta.sha256)
      throw new DbError(`${file}: checksum mismatch: the archive is damaged`);
    const db = VulnDb.open(tmpDb);
    try {
      const problems = db.verify();
      if (problems.length) throw new DbError(`${file}: the DB inside is damaged: ${problems[0]}`);
    } finally {
      db.close();
    }
    const live = join(dbDir, DB_FILE_NAME);
    await installAtomically(tmpDb, live);
    const installed = VulnDb.open(live);
    try {
      return installed.status();
    } finally {
      installed.close();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
    await release();
  }
}
