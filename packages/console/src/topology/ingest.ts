import type { Kysely } from "kysely";
import { type Store, withSqlite } from "../store/open.js";
import type { Database } from "../store/schema.js";
import {
  type DeltaReport,
  type FullReport,
  itemKey,
  type Report,
  SECTIONS,
  type Section,
  type SectionItems,
} from "./report.js";

export type IngestResult =
  /** Applied: the node's topology is now as of `lastSeq`. */
  | { status: "applied"; lastSeq: number }
  /** Already past this seq (a retry): acknowledged, nothing changed. */
  | { status: "duplicate"; lastSeq: number }
  /** A delta whose base is not what the console holds: the sensor must send a full report. */
  | { status: "full_report_required"; lastSeq: number }
  | { status: "unknown_node" };

/** Rows per INSERT: well under both engines' bound-parameter limits (4 per row). */
const CHUNK = 2000;

/**
 * Applies one report in one transaction. The first statement is the conditional update of the node's seq: it
 * both decides (the report is next, and a delta's base is the current seq) and, on PostgreSQL, locks the node
 * row, so two consoles given the same report at once apply it once. A full report replaces the node's items
 * (through Kysely: rare and large); a delta — the hot path, every 30 s per sensor — removes and upserts only
 * the items it names, as one statement on PostgreSQL and as precompiled statements on SQLite.
 */
export async function ingestReport(
  store: Store,
  nodeId: string,
  report: Report,
  now = new Date(),
): Promise<IngestResult> {
  const at = now.toISOString();
  if (report.kind === "delta")
    return store.engine === "postgres"
      ? ingestDeltaPostgres(store, nodeId, report, at)
      : ingestDeltaSqlite(store, nodeId, report, at);
  return store.db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable("nodes")
      .set({
        last_seq: report.seq,
        last_report_at: at,
        last_seen_at: at,
        status: "online",
        ...(report.host ? { hostname: report.host.hostname, os: report.host.os || null } : {}),
      })
      .where("id", "=", nodeId)
      .where("last_seq", "<", report.seq)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) return refusal(trx, nodeId, report, at);
    await replaceAll(trx, nodeId, report);
    return { status: "applied", lastSeq: report.seq };
  });
}

/** Why the node's seq did not move: unknown node, a retry, or a delta on the wrong base. */
async function refusal(trx: Kysely<Database>, nodeId: string, report: Report, at: string): Promise<IngestResult> {
  // A retry or an out-of-date sensor is still a live one.
  const row = await trx
    .updateTable("nodes")
    .set({ last_seen_at: at, status: "online" })
    .where("id", "=", nodeId)
    .returning("last_seq")
    .executeTakeFirst();
  if (!row) return { status: "unknown_node" };
  const lastSeq = Number(row.last_seq);
  return report.seq <= lastSeq ? { status: "duplicate", lastSeq } : { status: "full_report_required", lastSeq };
}

interface ItemRow {
  node_id: string;
  section: string;
  item_key: string;
  body: string;
}

/** The report's items keyed per section; a key given twice keeps the last item (as a sensor would mean it). */
function rowsOf(nodeId: string, section: Section, items: readonly unknown[] | undefined, into: Map<string, ItemRow>) {
  for (const item of items ?? []) {
    const key = itemKey(section, item as SectionItems[Section]);
    into.set(`${section}\u0000${key}`, { node_id: nodeId, section, item_key: key, body: JSON.stringify(item) });
  }
}

async function replaceAll(trx: Kysely<Database>, nodeId: string, report: FullReport) {
  await trx.deleteFrom("topology_items").where("node_id", "=", nodeId).execute();
  const rows = new Map<string, ItemRow>();
  rows.set("host", { node_id: nodeId, section: "host", item_key: "host", body: JSON.stringify(report.host) });
  for (const s of SECTIONS) rowsOf(nodeId, s, report[s], rows);
  const all = [...rows.values()];
  for (let i = 0; i < all.length; i += CHUNK)
    await trx
      .insertInto("topology_items")
      .values(all.slice(i, i + CHUNK))
      .execute();
}

/** A delta as rows: keys to remove (those it also upserts left out: the upsert replaces them) and rows to upsert. */
function deltaRows(
  nodeId: string,
  report: DeltaReport,
): { removals: { section: string; key: string }[]; upserts: ItemRow[] } {
  const removals: { section: Section; keys: string[] }[] = [];
  const upserts = new Map<string, ItemRow>();
  if (report.host)
    upserts.set("host", { node_id: nodeId, section: "host", item_key: "host", body: JSON.stringify(report.host) });
  for (const s of SECTIONS) {
    const change = report[s];
    if (!change) continue;
    if (change.remove?.length) removals.push({ section: s, keys: [...new Set(change.remove)] });
    rowsOf(nodeId, s, change.upsert, upserts);
  }
  return {
    removals: removals
      .flatMap(({ section, keys }) => keys.map((key) => ({ section, key })))
      .filter((p) => !upserts.has(`${p.section}\u0000${p.key}`)),
    upserts: [...upserts.values()],
  };
}

const DELTA_SQL = `
  with claim as (
    update nodes set last_seq = $1, last_report_at = $2, last_seen_at = $2, status = 'online',
      hostname = coalesce($3::text, hostname),
      os = case when $4::boolean then $5::text else os end
    where id = $6 and last_seq < $1 and last_seq = $7
    returning id
  ), gone as (
    delete from topology_items t
    using claim, unnest($8::text[], $9::text[]) as r(section, item_key)
    where t.node_id = claim.id and t.section = r.section and t.item_key = r.item_key
  ), put as (
    insert into topology_items (node_id, section, item_key, body)
    select claim.id, u.section, u.item_key, u.body
    from claim, unnest($10::text[], $11::text[], $12::text[]) as u(section, item_key, body)
    on conflict (node_id, section, item_key) do update set body = excluded.body
  )
  select count(*)::int as claimed from claim`;

/**
 * A delta on PostgreSQL in one statement, so one round trip instead of four (begin, claim, upsert, commit):
 * the claim, the removals and the upserts are data-modifying CTEs of a single statement, atomic by itself.
 * PostgreSQL only: SQLite runs in-process, where round trips cost nothing. The removals never name a key the
 * upserts write (deltaRows), so no row is touched twice by the statement.
 */
async function ingestDeltaPostgres(
  store: Store,
  nodeId: string,
  report: DeltaReport,
  at: string,
): Promise<IngestResult> {
  const { removals, upserts } = deltaRows(nodeId, report);
  const host = report.host;
  const values = [
    report.seq,
    at,
    host?.hostname ?? null,
    host !== undefined,
    host?.os || null,
    nodeId,
    report.baseSeq,
    removals.map((p) => p.section),
    removals.map((p) => p.key),
    upserts.map((u) => u.section),
    upserts.map((u) => u.item_key),
    upserts.map((u) => u.body),
  ];
  // A named statement: parsed and planned once per connection, not on every report.
  if (!store.pool) throw new Error("a PostgreSQL store without its pool");
  const r = await store.pool.query<{ claimed: number }>({ name: "rampart-topology-delta", text: DELTA_SQL, values });
  if (Number(r.rows[0]?.claimed ?? 0) > 0) return { status: "applied", lastSeq: report.seq };
  return refusal(store.db, nodeId, report, at);
}

const SQLITE_CLAIM = `
  update nodes set last_seq = ?, last_report_at = ?, last_seen_at = ?, status = 'online',
    hostname = coalesce(?, hostname), os = case when ? then ? else os end
  where id = ? and last_seq < ? and last_seq = ?`;
const SQLITE_REMOVE = "delete from topology_items where node_id = ? and section = ? and item_key = ?";
const SQLITE_UPSERT = `
  insert into topology_items (node_id, section, item_key, body) values (?, ?, ?, ?)
  on conflict (node_id, section, item_key) do update set body = excluded.body`;

/**
 * A delta on SQLite as precompiled statements in one synchronous transaction: Kysely compiled four statements
 * per report, which was most of the console's CPU per delta (0.45 ms of it, measured by bench/console-bench.ts).
 * The same decisions as the Kysely path: claim first, then removals, then upserts.
 */
async function ingestDeltaSqlite(store: Store, nodeId: string, report: DeltaReport, at: string): Promise<IngestResult> {
  const { removals, upserts } = deltaRows(nodeId, report);
  const host = report.host;
  const applied = await withSqlite(store, (db) =>
    db
      .transaction(() => {
        const claimed = db
          .prepare(SQLITE_CLAIM)
          .run(
            report.seq,
            at,
            at,
            host?.hostname ?? null,
            host ? 1 : 0,
            host?.os || null,
            nodeId,
            report.seq,
            report.baseSeq,
          );
        if (claimed.changes === 0) return false;
        const remove = db.prepare(SQLITE_REMOVE);
        for (const p of removals) remove.run(nodeId, p.section, p.key);
        const upsert = db.prepare(SQLITE_UPSERT);
        for (const u of upserts) upsert.run(nodeId, u.section, u.item_key, u.body);
        return true;
      })
      .immediate(),
  );
  if (applied) return { status: "applied", lastSeq: report.seq };
  return refusal(store.db, nodeId, report, at);
}
