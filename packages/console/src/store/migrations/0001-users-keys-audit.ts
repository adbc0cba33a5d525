import { type Kysely, sql } from "kysely";
import type { Engine } from "../engine.js";

/** Users and roles, API keys (hashed), the audit log. */
export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  await db.schema
    .createTable("users")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('admin', 'standard', 'read-only')`))
    .addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0).check(sql`disabled in (0, 1)`))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("tokens_valid_after", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("api_keys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("prefix", "text", (c) => c.notNull())
    .addColumn("key_hash", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_used_at", "text")
    .addColumn("revoked_at", "text")
    .execute();
  await db.schema.createIndex("api_keys_by_user").on("api_keys").column("user_id").execute();
  await db.schema
    .createTable("audit_log")
    // An identity column on PostgreSQL, AUTOINCREMENT on SQLite: both only ever increase.
    .addColumn("id", engine === "postgres" ? "bigint" : "integer", (c) =>
      engine === "postgres" ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement(),
    )
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("target", "text")
    .addColumn("detail", "text")
    .execute();
  await db.schema.createIndex("audit_log_by_time").on("audit_log").column("at").execute();
}

export async function down(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema.dropTable("audit_log").execute();
  await db.schema.dropTable("api_keys").execute();
  await db.schema.dropTable("users").execute();
}
