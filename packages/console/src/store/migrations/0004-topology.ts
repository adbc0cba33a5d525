import { type Kysely, sql } from "kysely";
import type { Engine } from "../engine.js";

/** Sensor-registered nodes, their topology items, actions for sensors, and sensors' uploads. */
export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  await db.schema
    .createTable("nodes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull())
    .addColumn("key_id", "text", (c) => c.notNull())
    .addColumn("machine_id", "text", (c) => c.notNull())
    .addColumn("hostname", "text", (c) => c.notNull())
    .addColumn("os", "text")
    .addColumn("agent_version", "text")
    .addColumn("tags", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("registered_at", "text", (c) => c.notNull())
    .addColumn("last_seen_at", "text", (c) => c.notNull())
    .addColumn("last_report_at", "text")
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('online', 'offline')`))
    .addColumn("last_seq", "integer", (c) => c.notNull().defaultTo(0))
    // Per user, not global: another user's key presenting the same machine id must not take over the node.
    .addUniqueConstraint("nodes_machine", ["user_id", "machine_id"])
    .execute();
  await db.schema.createIndex("nodes_by_hostname").on("nodes").columns(["hostname", "id"]).execute();
  await db.schema.createIndex("nodes_by_status").on("nodes").columns(["status", "hostname", "id"]).execute();
  await db.schema.createIndex("nodes_by_last_seen").on("nodes").columns(["status", "last_seen_at"]).execute();

  let items = db.schema
    .createTable("topology_items")
    .addColumn("node_id", "text", (c) => c.notNull().references("nodes.id").onDelete("cascade"))
    .addColumn("section", "text", (c) => c.notNull())
    .addColumn("item_key", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("topology_items_pk", ["node_id", "section", "item_key"]);
  // SQLite: keep each node's items together in the primary key's b-tree instead of a rowid table plus an
  // index (PostgreSQL has no such table kind; its primary key index serves the same queries).
  if (engine === "sqlite") items = items.modifyEnd(sql`without rowid`);
  // No index by section: the estate-wide graph reads most of the table anyway, and every index is paid for on
  // each report; per-node reads use the primary key.
  await items.execute();

  await db.schema
    .createTable("sensor_actions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("node_id", "text", (c) => c.notNull().references("nodes.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull().check(sql`state in ('pending', 'delivered', 'done', 'failed')`))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("delivered_at", "text")
    .addColumn("deliveries", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("finished_at", "text")
    .addColumn("result", "text")
    .execute();
  await db.schema
    .createIndex("sensor_actions_by_node")
    .on("sensor_actions")
    .columns(["node_id", "state", "created_at"])
    .execute();
  // The long-poll's shared check (which nodes have something to deliver) and the pruning of finished ones.
  await db.schema
    .createIndex("sensor_actions_by_state")
    .on("sensor_actions")
    .columns(["state", "delivered_at", "node_id"])
    .execute();
  await db.schema.createIndex("sensor_actions_by_finish").on("sensor_actions").columns(["finished_at"]).execute();

  await db.schema
    .createTable("sensor_uploads")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("node_id", "text", (c) => c.notNull().references("nodes.id").onDelete("cascade"))
    .addColumn("upload_id", "text", (c) => c.notNull())
    .addColumn("scan_id", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("sha256", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("received_at", "text", (c) => c.notNull())
    .addColumn("processed_at", "text")
    .addUniqueConstraint("sensor_uploads_once", ["node_id", "upload_id"])
    .execute();
  await db.schema
    .createIndex("sensor_uploads_by_scan")
    .on("sensor_uploads")
    .columns(["scan_id", "received_at"])
    .execute();
  await db.schema
    .createIndex("sensor_uploads_unprocessed")
    .on("sensor_uploads")
    .columns(["processed_at", "received_at"])
    .execute();
}

export async function down(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema.dropTable("sensor_uploads").execute();
  await db.schema.dropTable("sensor_actions").execute();
  await db.schema.dropTable("topology_items").execute();
  await db.schema.dropTable("nodes").execute();
}
