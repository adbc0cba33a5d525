import { statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { lazy } from "../lazy.js";
import type { FeedStatus } from "../report/scan-report.js";
import type { Epss, Kev } from "../risk/types.js";
import { DbError } from "./errors.js";
import type { OsvRange, OsvReference, OsvSeverity } from "./osv.js";
import { DB_FILE_NAME, SCHEMA_VERSION } from "./schema.js";

const Database = lazy<typeof BetterSqlite3>("better-sqlite3");

/** ~/.cache/rampart/db, or RAMPART_DB_DIR. The console and the CLI share it. */
export function defaultDbDir(): string {
  return process.env.RAMPART_DB_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "rampart", "db");
}

export interface DbStatus {
  path: string;
  schemaVersion: number;
  builtAt: string;
  bytes: number;
  advisories: number;
  feeds: FeedStatus[];
}

/** One affected[] entry of an advisory, for a package looked up by (ecosystem, name). */
export interface AffectedRow {
  advisory: string;
  idx: number;
  ecosystem: string;
  name: string;
  ranges?: OsvRange[];
  versions?: string[];
  ecosystemSpecific?: Record<string, unknown>;
  databaseSpecific?: Record<string, unknown>;
}

/** What a finding shows about an advisory. */
export interface AdvisoryInfo {
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  summary?: string;
  details?: string;
  aliases: string[];
  related: string[];
  upstream: string[];
  /** Record-level severity, then each affected entry's under its index. */
  severity: OsvSeverity[];
  affectedSeverity: Map<number, OsvSeverity[]>;
  references: OsvReference[];
  databaseSpecific?: Record<string, unknown>;
}

const parse = <T>(s: string | null): T | undefined => (s === null ? undefined : (JSON.parse(s) as T));

/** The read side of the vulnerability DB. Opening checks the schema version and that the file is whole. */
export class VulnDb {
  private readonly db: BetterSqlite3.Database;
  private readonly q;

  private constructor(
    readonly path: string,
    db: BetterSqlite3.Database,
  ) {
    this.db = db;
    const p = (sql: string) => db.prepare(sql);
    this.q = {
      affected: p(
        "SELECT advisory, idx, ecosystem, name, ranges, versions, ecosystem_specific, database_specific FROM affected WHERE ecosystem = ? AND name_key = ?",
      ),
      advisory: p("SELECT * FROM advisory WHERE id = ?"),
      ids: p("SELECT kind, other FROM advisory_id WHERE advisory = ?"),
      severity: p("SELECT affected, type, score FROM severity WHERE advisory = ?"),
      refs: p("SELECT type, url FROM reference WHERE advisory = ?"),
      kev: p("SELECT * FROM kev WHERE cve = ?"),
      epss: p("SELECT score, percentile FROM epss WHERE cve = ?"),
      ecosystems: p("SELECT DISTINCT ecosystem FROM affected WHERE ecosystem = ? OR ecosystem LIKE ? || ':%'"),
    };
  }

  /** Opens `<dir>/vuln.db` (or a DB file path) read-only; DbError with what to do when it is missing or damaged. */
  static open(pathOrDir: string = defaultDbDir()): VulnDb {
    const st = statSync(pathOrDir, { throwIfNoEntry: false });
    const path = st?.isDirectory() ? join(pathOrDir, DB_FILE_NAME) : pathOrDir;
    const fst = statSync(path, { throwIfNoEntry: false });
    if (!fst?.isFile())
      throw new DbError(
        `no vulnerability DB at ${path}: run \`rampart db update\` (or \`rampart db import FILE\` offline)`,
      );
    let db: BetterSqlite3.Database | undefined;
    try {
      db = new (Database())(path, { readonly: true, fileMustExist: true });
      const pageSize = db.pragma("page_size", { simple: true }) as number;
      const pages = db.pragma("page_count", { simple: true }) as number;
      // A truncated copy opens fine and fails on some later page: catch it up front by its size.
      if (pageSize * pages !== fst.size)
        throw new Error(`file is ${fst.size} bytes, its header says ${pageSize * pages}`);
      const version = Number(
        (db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined)
          ?.value,
      );
      if (version !== SCHEMA_VERSION)
        throw new DbError(
          `vulnerability DB at ${path} has schema ${version}, this rampart reads ${SCHEMA_VERSION}: run \`rampart db update\``,
        );
      return new VulnDb(path, db);
    } catch (e) {
      db?.close();
      if (e instanceof DbError) throw e;
      throw new DbError(`vulnerability DB at ${path} is damaged (${(e as Error).message}): run \`rampart db update\``, {
        cause: e,
      });
    }
  }

  close(): void {
    this.db.close();
  }

  /** Every affected[] entry naming this package in exactly this ecosystem string ("Debian:12"). */
  affected(ecosystem: string, nameKey: string): AffectedRow[] {
    const rows = this.q.affected.all(ecosystem, nameKey) as Array<Record<string, string | number | null>>;
    return rows.map((r) => ({
      advisory: r.advisory as string,
      idx: r.idx as number,
      ecosystem: r.ecosystem as string,
      name: r.name as string,
      ...opt("ranges", parse<OsvRange[]>(r.ranges as string | null)),
      ...opt("versions", parse<string[]>(r.versions as string | null)),
      ...opt("ecosystemSpecific", parse<Record<string, unknown>>(r.ecosystem_specific as string | null)),
      ...opt("databaseSpecific", parse<Record<string, unknown>>(r.database_specific as string | null)),
    }));
  }

  /** The ecosystem strings in the DB that are `base` or `base:<release>…` (e.g. every "Ubuntu:22.04:LTS"). */
  ecosystemsLike(base: string): string[] {
    return (this.q.ecosystems.all(base, base) as Array<{ ecosystem: string }>).map((r) => r.ecosystem);
  }

  advisory(id: string): AdvisoryInfo | undefined {
    const a = this.q.advisory.get(id) as Record<string, string | null> | undefined;
    if (!a) return undefined;
    const ids = this.q.ids.all(id) as Array<{ kind: string; other: string }>;
    const sev = this.q.severity.all(id) as Array<{ affected: number | null; type: string; score: string }>;
    const affectedSeverity = new Map<number, OsvSeverity[]>();
    for (const s of sev)
      if (s.affected !== null)
        affectedSeverity.set(s.affected, [
          ...(affectedSeverity.get(s.affected) ?? []),
          { type: s.type, score: s.score },
        ]);
    return {
      id,
      modified: a.modified as string,
      ...opt("published", a.published ?? undefined),
      ...opt("withdrawn", a.withdrawn ?? undefined),
      ...opt("summary", a.summary ?? undefined),
      ...opt("details", a.details ?? undefined),
      aliases: ids.filter((i) => i.kind === "aliases").map((i) => i.other),
      related: ids.filter((i) => i.kind === "related").map((i) => i.other),
      upstream: ids.filter((i) => i.kind === "upstream").map((i) => i.other),
      severity: sev.filter((s) => s.affected === null).map((s) => ({ type: s.type, score: s.score })),
      affectedSeverity,
      references: this.q.refs.all(id) as OsvReference[],
      ...opt("databaseSpecific", parse<Record<string, unknown>>(a.database_specific ?? null)),
    };
  }

  kev(cve: string): Kev | undefined {
    const k = this.q.kev.get(cve) as Record<string, string | number | null> | undefined;
    if (!k) return undefined;
    return {
      dateAdded: k.date_added as string,
      ...opt("dueDate", (k.due_date as string | null) ?? undefined),
      ransomware: k.ransomware === 1,
      ...opt("vulnerabilityName", (k.name as string | null) ?? undefined),
      ...opt("requiredAction", (k.required_action as string | null) ?? undefined),
    };
  }

  /** The EPSS score dated with the feed's score date. */
  epss(cve: string): Epss | undefined {
    const e = this.q.epss.get(cve) as { score: number; percentile: number } | undefined;
    if (!e) return undefined;
    this.epssDate ??= this.feed("epss")?.dataAsOf ?? "";
    return { score: e.score, percentile: e.percentile, date: this.epssDate };
  }
  private epssDate: string | undefined;

  feed(name: string): FeedStatus | undefined {
    return this.status().feeds.find((f) => f.name === name);
  }

  status(): DbStatus {
    const meta = new Map(
      (this.db.prepare("SELECT key, value FROM meta").all() as Array<{ key: string; value: string }>).map((r) => [
        r.key,
        r.value,
      ]),
    );
    const feeds = (
      this.db.prepare("SELECT * FROM feed ORDER BY name").all() as Array<Record<string, string | number | null>>
    ).map(
      (f): FeedStatus => ({
        name: f.name as string,
        location: f.location as string,
        ...opt("dataAsOf", (f.data_as_of as string | null) ?? undefined),
        importedAt: f.imported_at as string,
        records: f.records as number,
      }),
    );
    return {
      path: this.path,
      schemaVersion: Number(meta.get("schema_version")),
      builtAt: meta.get("built_at") ?? "",
      bytes: statSync(this.path).size,
      advisories: (this.db.prepare("SELECT count(*) AS n FROM advisory").get() as { n: number }).n,
      feeds,
    };
  }

  /** Full check of every page (slow on big DBs: for `db status --verify` and imports). */
  verify(): string[] {
    const rows = this.db.pragma("integrity_check") as Array<{ integrity_check: string }>;
    return rows.map((r) => r.integrity_check).filter((m) => m !== "ok");
  }
}

function opt<K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [k]: v }) as { [P in K]?: V };
}
