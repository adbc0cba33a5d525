import { type Kysely, sql } from "kysely";
import type { Engine } from "../engine.js";

/**
 * Scans (state is their job's), each target's latest scan, findings (one row per finding of a scan, with the
 * columns every filter and sort reads) and users' accepted / false-positive decisions. Every sort is
 * descending on (key, id), so each index below serves its sort scanned backwards on both engines.
 */
export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema
    .createTable("scans")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("target_kind", "text", (c) =>
      c.notNull().check(sql`target_kind in ('image-archive', 'sbom', 'host', 'container', 'image')`),
    )
    .addColumn("target_ref", "text", (c) => c.notNull())
    .addColumn("target_key", "text")
    .addColumn("node_id", "text")
    .addColumn("scanners", "text", (c) => c.notNull())
    .addColumn("job_id", "text", (c) => c.unique())
    .addColumn("action_id", "text")
    .addColumn("input_path", "text")
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("source", "text")
    .addColumn("summary", "text")
    .addColumn("package_count", "integer")
    .addColumn("warnings", "text")
    .addColumn("results_at", "text")
    .execute();
  await db.schema.createIndex("scans_by_time").on("scans").columns(["created_at", "id"]).execute();
  await db.schema.createIndex("scans_by_target").on("scans").columns(["target_key", "created_at", "id"]).execute();
  await db.schema.createIndex("scans_by_node").on("scans").columns(["node_id", "created_at", "id"]).execute();

  await db.schema
    .createTable("scan_targets")
    .addColumn("target_key", "text", (c) => c.primaryKey())
    .addColumn("target_kind", "text", (c) => c.notNull())
    .addColumn("target_ref", "text", (c) => c.notNull())
    .addColumn("node_id", "text")
    .addColumn("latest_scan_id", "text", (c) => c.notNull().references("scans.id").onDelete("cascade"))
    .addColumn("latest_created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("scan_targets_by_scan").on("scan_targets").column("latest_scan_id").execute();
  await db.schema.createIndex("scan_targets_by_node").on("scan_targets").column("node_id").execute();

  await db.schema
    .createTable("findings")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("scan_id", "text", (c) => c.notNull().references("scans.id").onDelete("cascade"))
    .addColumn("target_key", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('vuln', 'secret', 'malware')`))
    .addColumn("fingerprint", "text", (c) => c.notNull())
    .addColumn("severity", "text", (c) => c.notNull())
    .addColumn("severity_weight", "integer", (c) => c.notNull())
    // double precision on both: PostgreSQL's real is 4 bytes and would not give back the score it was given.
    .addColumn("risk", "double precision", (c) => c.notNull())
    .addColumn("kev", "integer", (c) => c.notNull().check(sql`kev in (0, 1)`))
    .addColumn("epss", "double precision", (c) => c.notNull())
    .addColumn("fixable", "integer", (c) => c.notNull().check(sql`fixable in (0, 1)`))
    .addColumn("published", "text", (c) => c.notNull())
    .addColumn("cve_id", "text")
    .addColumn("package_name", "text")
    .addColumn("package_version", "text")
    .addColumn("purl", "text")
    .addColumn("path", "text")
    .addColumn("node_id", "text")
    .addColumn("image_ref", "text")
    .addColumn("body", "text", (c) => c.notNull())
    .addUniqueConstraint("findings_once_per_scan", ["scan_id", "fingerprint"])
    .execute();
  const findingIndexes: Record<string, string[]> = {
    // Per-scan views, one per sort.
    findings_scan_risk: ["scan_id", "risk", "id"],
    findings_scan_severity: ["scan_id", "severity_weight", "risk", "id"],
    findings_scan_epss: ["scan_id", "epss", "id"],
    findings_scan_published: ["scan_id", "published", "id"],
    findings_scan_kind: ["scan_id", "kind"],
    // Across targets (the latest view) and the filters.
    findings_risk: ["risk", "id"],
    findings_severity: ["severity_weight", "risk", "id"],
    findings_epss: ["epss", "id"],
    findings_published: ["published", "id"],
    findings_cve: ["cve_id", "risk"],
    findings_purl: ["purl"],
    findings_package: ["package_name", "package_version"],
    findings_node: ["node_id", "risk"],
    findings_image: ["image_ref", "risk"],
    findings_state: ["fingerprint", "target_key"],
  };
  for (const [name, columns] of Object.entries(findingIndexes))
    await db.schema.createIndex(name).on("findings").columns(columns).execute();

  await db.schema
    .createTable("finding_states")
    .addColumn("fingerprint", "text", (c) => c.notNull())
    .addColumn("target_key", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('accepted', 'false-positive')`))
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("expires_at", "text")
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("finding_states_pk", ["fingerprint", "target_key"])
    .execute();
  await db.schema.createIndex("finding_states_by_target").on("finding_states").columns(["target_key"]).execute();
}

export async function down(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema.dropTable("finding_states").execute();
  await db.schema.dropTable("findings").execute();
  await db.schema.dropTable("scan_targets").execute();
  await db.schema.dropTable("scans").execute();
}
