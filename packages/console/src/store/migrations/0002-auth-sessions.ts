import { type Kysely, sql } from "kysely";
import type { Engine } from "../engine.js";

/**
 * Sessions (rotating refresh tokens, hashed), invitations (hashed, expiring), the console's signing secret,
 * sign-in lockout state, and API key scope/expiry.
 */
export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema
    .createTable("sessions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("family_id", "text", (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("used_at", "text")
    .addColumn("revoked_at", "text")
    .execute();
  await db.schema.createIndex("sessions_by_family").on("sessions").column("family_id").execute();
  await db.schema.createIndex("sessions_by_user").on("sessions").column("user_id").execute();
  await db.schema
    .createTable("invitations")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('invite', 'password-reset')`))
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('admin', 'standard', 'read-only')`))
    .addColumn("user_id", "text", (c) => c.references("users.id").onDelete("cascade"))
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("used_at", "text")
    .addColumn("revoked_at", "text")
    .execute();
  await db.schema
    .createTable("console_secrets")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .alterTable("users")
    .addColumn("failed_logins", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("users").addColumn("locked_until", "text").execute();
  await db.schema
    .alterTable("api_keys")
    .addColumn("scope", "text", (c) => c.notNull().defaultTo("api").check(sql`scope in ('api', 'sensor')`))
    .execute();
  await db.schema.alterTable("api_keys").addColumn("expires_at", "text").execute();
}

export async function down(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema.alterTable("api_keys").dropColumn("expires_at").execute();
  await db.schema.alterTable("api_keys").dropColumn("scope").execute();
  await db.schema.alterTable("users").dropColumn("locked_until").execute();
  await db.schema.alterTable("users").dropColumn("failed_logins").execute();
  await db.schema.dropTable("console_secrets").execute();
  await db.schema.dropTable("invitations").execute();
  await db.schema.dropTable("sessions").execute();
}
