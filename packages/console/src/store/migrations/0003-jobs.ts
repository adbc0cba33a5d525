import { type Kysely, sql } from "kysely";
import type { Engine } from "../engine.js";

/** Durable jobs (jobs/store-queue.ts). */
export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema
    .createTable("jobs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) =>
      c.notNull().check(sql`state in ('queued', 'running', 'complete', 'failed', 'cancelled')`),
    )
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("max_attempts", "integer", (c) => c.notNull())
    .addColumn("deadline_seconds", "integer", (c) => c.notNull())
    .addColumn("run_after", "text", (c) => c.notNull())
    .addColumn("lease_until", "text")
    .addColumn("worker", "text")
    .addColumn("progress", "real", (c) => c.notNull().defaultTo(0).check(sql`progress >= 0 and progress <= 1`))
    .addColumn("message", "text")
    .addColumn("error", "text")
    .addColumn("result", "text")
    .addColumn("singleton_key", "text")
    .addColumn("pinned_to", "text")
    .addColumn("cancel_requested", "integer", (c) => c.notNull().defaultTo(0).check(sql`cancel_requested in (0, 1)`))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("started_at", "text")
    .addColumn("finished_at", "text")
    .execute();
  // The claim: the oldest due job of a kind.
  await db.schema.createIndex("jobs_due").on("jobs").columns(["state", "kind", "run_after"]).execute();
  // The reaper: running jobs by lease.
  await db.schema.createIndex("jobs_leases").on("jobs").columns(["state", "lease_until"]).execute();
  // Listing for the API, newest first: by state, by kind, or all.
  await db.schema.createIndex("jobs_by_state").on("jobs").columns(["state", "created_at"]).execute();
  await db.schema.createIndex("jobs_by_kind").on("jobs").columns(["kind", "created_at"]).execute();
  await db.schema.createIndex("jobs_by_time").on("jobs").column("created_at").execute();
  // At most one queued-or-running job per singleton key, race-free (both engines have partial indexes).
  await db.schema
    .createIndex("jobs_singleton")
    .on("jobs")
    .column("singleton_key")
    .unique()
    .where(sql.ref("state"), "in", sql`('queued', 'running')`)
    .execute();
}

export async function down(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema.dropTable("jobs").execute();
}
