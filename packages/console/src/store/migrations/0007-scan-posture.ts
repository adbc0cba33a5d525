import { type Kysely, sql } from "kysely";
import type { Engine } from "../engine.js";

const KINDS_BEFORE = "kind in ('vuln', 'secret', 'malware')";
const KINDS_AFTER = "kind in ('vuln', 'secret', 'malware', 'posture')";

/**
 * Posture scans: every control's result (passes too) and the framework view are kept with the scan, and a
 * failed control is a finding of kind "posture". PostgreSQL swaps the kind check in place; SQLite cannot
 * alter a CHECK constraint, so the findings table is rebuilt as SQLite's documentation prescribes (new table
 * from the stored definition with the check changed, copy, drop, rename, indexes again) — in the migration's
 * transaction, and no other table references findings.
 */
export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  await db.schema.alterTable("scans").addColumn("posture", "text").execute();
  await replaceKindCheck(db, engine, KINDS_BEFORE, KINDS_AFTER);
}

export async function down(db: Kysely<unknown>, engine: Engine): Promise<void> {
  await sql`delete from findings where kind = 'posture'`.execute(db);
  await replaceKindCheck(db, engine, KINDS_AFTER, KINDS_BEFORE);
  await db.schema.alterTable("scans").dropColumn("posture").execute();
}

async function replaceKindCheck(db: Kysely<unknown>, engine: Engine, from: string, to: string): Promise<void> {
  if (engine === "postgres") {
    await sql`alter table findings drop constraint findings_kind_check`.execute(db);
    await sql`alter table findings add constraint findings_kind_check check (${sql.raw(to)})`.execute(db);
    return;
  }
  const table = await sql<{
    sql: string;
  }>`select sql from sqlite_master where type = 'table' and name = 'findings'`.execute(db);
  const definition = table.rows[0]?.sql;
  if (!definition?.includes(from)) throw new Error(`migration 0007: the findings table has no check "${from}"`);
  const indexes = await sql<{ sql: string }>`
    select sql from sqlite_master where type = 'index' and tbl_name = 'findings' and sql is not null`.execute(db);
  const rebuilt = definition
    .replace(from, to)
    .replace(/^create table "?findings"?/i, 'create table "findings_rebuilt"');
  await sql.raw(rebuilt).execute(db);
  await sql`insert into findings_rebuilt select * from findings`.execute(db);
  await sql`drop table findings`.execute(db);
  await sql`alter table findings_rebuilt rename to findings`.execute(db);
  for (const i of indexes.rows) await sql.raw(i.sql).execute(db);
}
