import { type Kysely, sql } from "kysely";
import type { Engine } from "../engine.js";

/**
 * Every sensor report updates its node's row (seq, last seen). The index on last_seen_at made each of those
 * updates write a new entry into every index of `nodes` (PostgreSQL cannot do a heap-only update when an
 * indexed column changes): 6,000 deltas on 1,000 nodes gave 5–7% heap-only updates with it, 100% without —
 * no dead index entries for vacuum to chase at every report (the server's CPU per report did not move
 * measurably: 0.22–0.29 ms either way). The offline sweep that used the index runs every few seconds over
 * one row per node, which a scan serves as well at tens of thousands of nodes. On PostgreSQL the table also
 * leaves room on each page so those updates stay on their page.
 */
export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  await db.schema.dropIndex("nodes_by_last_seen").execute();
  if (engine === "postgres") await sql`alter table nodes set (fillfactor = 70)`.execute(db);
}

export async function down(db: Kysely<unknown>, engine: Engine): Promise<void> {
  if (engine === "postgres") await sql`alter table nodes reset (fillfactor)`.execute(db);
  await db.schema.createIndex("nodes_by_last_seen").on("nodes").columns(["status", "last_seen_at"]).execute();
}
