import { mkdir, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { lazy } from "../lazy.js";
import { FeedError } from "./errors.js";
import { fetchFeedFile } from "./fetch.js";
import { readEpss } from "./ingest/epss.js";
import { readKev } from "./ingest/kev.js";
import { readModifiedIds } from "./ingest/modified-ids.js";
import { parseOsvRecord } from "./ingest/osv-record.js";
import { readOsvZip } from "./ingest/osv-zip.js";
import { installAtomically } from "./install.js";
import { type FeedLocations, feedLocations } from "./location.js";
import { acquireUpdateLock } from "./lock.js";
import type { OsvRecord } from "./osv.js";
import { defaultDbDir, VulnDb } from "./reader.js";
import { DB_FILE_NAME, DDL, SCHEMA_VERSION } from "./schema.js";
import { DbWriter } from "./writer.js";

const Database = lazy<typeof BetterSqlite3>("better-sqlite3");

/**
 * Past this many changed records, fetching them one by one costs more than one all.zip download.
 * (osv.dev's per-record files are ~5 KB; a busy ecosystem changes a few hundred a day.)
 */
const INCREMENTAL_LIMIT = 2000;

export interface UpdateOptions {
  dbDir?: string;
  /** A mirror: directory or http(s) URL laid out like the public sources. Default: the public sources. */
  from?: string;
  /** OSV ecosystems to import (default: all Rampart catalogs, or every one a directory mirror holds). */
  ecosystems?: string[];
  /** Ignore modified_id.csv and re-read every all.zip. */
  full?: boolean;
  log?: (line: string) => void;
  now?: () => Date;
}

export type FeedMode = "full" | "incremental" | "unchanged" | "not on mirror";

export interface FeedUpdate {
  name: string;
  mode: FeedMode;
  records: number;
  /** Records added, changed or removed by an incremental update. */
  changed?: number;
}

export interface UpdateResult {
  path: string;
  feeds: FeedUpdate[];
}

/**
 * Builds the vulnerability DB from the feeds into a new file next to the live one, then renames it over
 * the live one: readers see the old DB or the new one, never a half-written one, and a failed or killed
 * update leaves the old DB as it was. With an existing DB and a `modified_id.csv` per ecosystem, only
 * changed records are fetched.
 */
export async function updateDb(o: UpdateOptions = {}): Promise<UpdateResult> {
  const dbDir = o.dbDir ?? defaultDbDir();
  const log = o.log ?? (() => {});
  const now = o.now ?? (() => new Date());
  await mkdir(dbDir, { recursive: true });
  const release = await acquireUpdateLock(dbDir);
  // Work files of an update that was killed are ours to remove now that we hold the lock.
  for (const d of await readdir(dbDir))
    if (d.startsWith(".update-")) await rm(join(dbDir, d), { recursive: true, force: true });
  const work = await mkdtemp(join(dbDir, ".update-"));
  const livePath = join(dbDir, DB_FILE_NAME);
  const tmpPath = join(work, DB_FILE_NAME);
  try {
    const loc = await feedLocations(o.from, o.ecosystems).catch((e: Error) => {
      throw new FeedError(e.message);
    });
    const incremental = !o.full && (await copyLiveDb(livePath, tmpPath, log));
    const db = new (Database())(tmpPath);
    db.pragma("journal_mode = OFF"); // a private file until the rename: no journal needed
    db.pragma("synchronous = OFF");
    if (!incremental) db.exec(DDL);
    const w = new DbWriter(db);
    const feeds: FeedUpdate[] = [];
    try {
      const run: FeedRun = { db, w, loc, work, now: now(), log };
      for (const eco of loc.ecosystems) feeds.push(await updateOsvFeed(run, eco, incremental));
      feeds.push(await updateKev(run));
      feeds.push(await updateEpss(run));
      if (feeds.every((f) => f.mode === "not on mirror")) throw new FeedError(`${loc.base}: no feed found there`);
      w.setMeta("schema_version", String(SCHEMA_VERSION));
      w.setMeta("built_at", now().toISOString());
      db.exec("ANALYZE");
    } finally {
      db.close();
    }
    await installAtomically(tmpPath, livePath);
    return { path: livePath, feeds };
  } finally {
    await rm(work, { recursive: true, force: true });
    await release();
  }
}

/** Starts from a consistent copy of the live DB when it is readable and of this schema. */
async function copyLiveDb(livePath: string, tmpPath: string, log: (l: string) => void): Promise<boolean> {
  if (!(await stat(livePath).catch(() => undefined))) return false;
  let live: VulnDb;
  try {
    live = VulnDb.open(livePath);
  } catch (e) {
    log(`rebuilding from scratch: ${(e as Error).message}`);
    return false;
  }
  live.close();
  const src = new (Database())(livePath, { readonly: true });
  try {
    src.prepare("VACUUM INTO ?").run(tmpPath);
  } finally {
    src.close();
  }
  return true;
}

/** What every feed's import works with. */
interface FeedRun {
  db: BetterSqlite3.Database;
  w: DbWriter;
  loc: FeedLocations;
  /** The update's private work directory (downloads). */
  work: string;
  /** The import time recorded for every feed of this update. */
  now: Date;
  log: (line: string) => void;
}

/** Runs `body` in one transaction across awaits (the connection is ours alone). */
async function inTransaction<T>(db: BetterSqlite3.Database, body: () => Promise<T>): Promise<T> {
  db.exec("BEGIN");
  try {
    const out = await body();
    db.exec("COMMIT");
    return out;
  } catch (e) {
    db.exec("ROLLBACK");
    throw e;
  }
}

async function updateOsvFeed(run: FeedRun, eco: string, incremental: boolean): Promise<FeedUpdate> {
  const { db, w, loc, work, now, log } = run;
  const feed = `osv:${eco}`;
  const safe = eco.replace(/[^\w.-]/g, "_");
  const had = w.feedRecords(feed);
  const finish = (mode: FeedMode, changed?: number): FeedUpdate => {
    const { n, newest } = db
      .prepare("SELECT count(*) AS n, max(modified) AS newest FROM advisory WHERE feed = ?")
      .get(feed) as {
      n: number;
      newest: string | null;
    };
    if (mode !== "unchanged")
      w.putFeed({
        name: feed,
        location: loc.osv(eco, mode === "full" ? "all.zip" : "modified_id.csv"),
        dataAsOf: newest ?? undefined,
        importedAt: now.toISOString(),
        records: n,
      });
    log(`${feed}: ${mode}${changed !== undefined ? `, ${changed} changed` : ""}, ${n} records`);
    return { name: feed, mode, records: n, ...(changed !== undefined ? { changed } : {}) };
  };

  if (incremental && had.size > 0) {
    const csvPath = await fetchFeedFile(loc.osv(eco, "modified_id.csv"), join(work, `${safe}-modified_id.csv`), true);
    if (csvPath) {
      const listed = await readModifiedIds(csvPath);
      const changed = [...listed]
        .filter(([id, m]) => had.get(id) === undefined || Date.parse(had.get(id) as string) !== Date.parse(m))
        .map(([id]) => id);
      const removed = [...had.keys()].filter((id) => !listed.has(id));
      if (changed.length + removed.length === 0) return finish("unchanged");
      if (changed.length <= INCREMENTAL_LIMIT) {
        const records: OsvRecord[] = [];
        for (const id of changed) {
          const path = await fetchFeedFile(
            loc.osv(eco, `${encodeURIComponent(id)}.json`),
            join(work, `${safe}-${id}.json`),
            false,
          );
          records.push(parseOsvRecord(await readFile(path as string, "utf8"), loc.osv(eco, `${id}.json`)));
        }
        db.transaction(() => {
          for (const r of records) w.putAdvisory(r, feed);
          for (const id of removed) w.deleteAdvisory(id);
        })();
        return finish("incremental", changed.length + removed.length);
      }
      log(`${feed}: ${changed.length} records changed, reading all.zip instead`);
    }
  }
  const zipPath = await fetchFeedFile(loc.osv(eco, "all.zip"), join(work, `${safe}-all.zip`), loc.mirror);
  if (!zipPath) {
    log(`${feed}: not on this mirror, ${had.size ? "kept as it was" : "skipped"}`);
    return { name: feed, mode: "not on mirror", records: had.size };
  }
  await inTransaction(db, async () => {
    w.deleteFeedAdvisories(feed);
    for await (const r of readOsvZip(zipPath)) w.putAdvisory(r, feed);
  });
  return finish("full");
}

async function updateKev(run: FeedRun): Promise<FeedUpdate> {
  const { db, w, loc, work, now, log } = run;
  const path = await fetchFeedFile(loc.kev, join(work, "kev.json"), loc.mirror);
  if (!path) return notOnMirror(db, "kev", log);
  const kev = await readKev(path);
  db.transaction(() => {
    w.replaceKev(kev.entries);
    w.putFeed({
      name: "kev",
      location: loc.kev,
      dataAsOf: kev.dateReleased || undefined,
      importedAt: now.toISOString(),
      records: kev.entries.length,
      detail: { catalogVersion: kev.catalogVersion },
    });
  })();
  log(`kev: catalog ${kev.catalogVersion}, ${kev.entries.length} entries`);
  return { name: "kev", mode: "full", records: kev.entries.length };
}

async function updateEpss(run: FeedRun): Promise<FeedUpdate> {
  const { db, w, loc, work, now, log } = run;
  const path = await fetchFeedFile(loc.epss, join(work, "epss.csv.gz"), loc.mirror);
  if (!path) return notOnMirror(db, "epss", log);
  const header = await inTransaction(db, async () => {
    w.clearEpss();
    return readEpss(path, (row) => w.putEpss(row));
  });
  w.putFeed({
    name: "epss",
    location: loc.epss,
    dataAsOf: header.scoreDate,
    importedAt: now.toISOString(),
    records: header.rows,
    detail: { modelVersion: header.modelVersion },
  });
  log(`epss: ${header.rows} scores of ${header.scoreDate ?? "unknown date"}`);
  return { name: "epss", mode: "full", records: header.rows };
}

function notOnMirror(db: BetterSqlite3.Database, name: string, log: (l: string) => void): FeedUpdate {
  const row = db.prepare("SELECT records FROM feed WHERE name = ?").get(name) as { records: number } | undefined;
  log(`${name}: not on this mirror, ${row ? "kept as it was" : "skipped"}`);
  return { name, mode: "not on mirror", records: row?.records ?? 0 };
}
