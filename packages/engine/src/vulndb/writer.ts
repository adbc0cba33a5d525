import type BetterSqlite3 from "better-sqlite3";
import type { Kev } from "../risk/types.js";
import type { EpssRow } from "./ingest/epss.js";
import { nameKey } from "./name-key.js";
import type { OsvRecord } from "./osv.js";

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

/** Prepared statements that put the OSV model, KEV and EPSS into the DB's tables. */
export class DbWriter {
  private readonly s;

  constructor(private readonly db: BetterSqlite3.Database) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      advisory: p(
        `INSERT INTO advisory (id, feed, modified, published, withdrawn, summary, details, schema_version, database_specific)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      id: p("INSERT INTO advisory_id (advisory, kind, other) VALUES (?, ?, ?)"),
      severity: p("INSERT INTO severity (advisory, affected, type, score) VALUES (?, ?, ?, ?)"),
      affected: p(
        `INSERT INTO affected (advisory, idx, ecosystem, name, name_key, purl, ranges, versions, ecosystem_specific, database_specific)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      reference: p("INSERT INTO reference (advisory, type, url) VALUES (?, ?, ?)"),
      deletes: [
        "advisory WHERE id",
        "advisory_id WHERE advisory",
        "severity WHERE advisory",
        "affected WHERE advisory",
        "reference WHERE advisory",
      ].map((t) => p(`DELETE FROM ${t} = ?`)),
      feedIds: p("SELECT id, modified FROM advisory WHERE feed = ?"),
      kev: p(
        "INSERT INTO kev (cve, date_added, due_date, ransomware, name, required_action) VALUES (?, ?, ?, ?, ?, ?)",
      ),
      epss: p("INSERT INTO epss (cve, score, percentile) VALUES (?, ?, ?)"),
      feed: p(
        `INSERT OR REPLACE INTO feed (name, location, data_as_of, imported_at, records, detail) VALUES (?, ?, ?, ?, ?, ?)`,
      ),
    };
  }

  /** Replaces any earlier copy of the record (the same GHSA can come from two ecosystems' zips). */
  putAdvisory(r: OsvRecord, feed: string): void {
    this.deleteAdvisory(r.id);
    const s = this.s;
    s.advisory.run(
      r.id,
      feed,
      r.modified,
      r.published ?? null,
      r.withdrawn ?? null,
      r.summary ?? null,
      r.details ?? null,
      r.schema_version ?? null,
      json(r.database_specific),
    );
    for (const kind of ["aliases", "related", "upstream"] as const)
      for (const other of new Set(r[kind] ?? [])) s.id.run(r.id, kind, other);
    for (const sev of r.severity ?? []) s.severity.run(r.id, null, sev.type, sev.score);
    for (const [idx, a] of (r.affected ?? []).entries()) {
      for (const sev of a.severity ?? []) s.severity.run(r.id, idx, sev.type, sev.score);
      if (!a.package) continue;
      const { ecosystem, name, purl } = a.package;
      s.affected.run(
        r.id,
        idx,
        ecosystem,
        name,
        nameKey(ecosystem, name),
        purl ?? null,
        json(a.ranges),
        json(a.versions),
        json(a.ecosystem_specific),
        json(a.database_specific),
      );
    }
    for (const ref of r.references ?? []) s.reference.run(r.id, ref.type, ref.url);
  }

  deleteAdvisory(id: string): void {
    for (const d of this.s.deletes) d.run(id);
  }

  /** id → modified of the records a feed put in the DB. */
  feedRecords(feed: string): Map<string, string> {
    const rows = this.s.feedIds.all(feed) as Array<{ id: string; modified: string }>;
    return new Map(rows.map((r) => [r.id, r.modified]));
  }

  deleteFeedAdvisories(feed: string): void {
    for (const id of this.feedRecords(feed).keys()) this.deleteAdvisory(id);
  }

  replaceKev(entries: Array<Kev & { cve: string }>): void {
    this.db.exec("DELETE FROM kev");
    for (const k of entries)
      this.s.kev.run(
        k.cve,
        k.dateAdded,
        k.dueDate ?? null,
        k.ransomware ? 1 : 0,
        k.vulnerabilityName ?? null,
        k.requiredAction ?? null,
      );
  }

  clearEpss(): void {
    this.db.exec("DELETE FROM epss");
  }

  putEpss(row: EpssRow): void {
    this.s.epss.run(row.cve, row.score, row.percentile);
  }

  putFeed(f: {
    name: string;
    location: string;
    dataAsOf?: string;
    importedAt: string;
    records: number;
    detail?: unknown;
  }): void {
    this.s.feed.run(f.name, f.location, f.dataAsOf ?? null, f.importedAt, f.records, json(f.detail));
  }

  setMeta(key: string, value: string): void {
    this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)").run(key, value);
  }
}
