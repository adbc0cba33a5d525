import { randomUUID } from "node:crypto";
import { Migrator, sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import type { FindingKind } from "../../scans/tables.js";
import { openStore, type Store } from "../open.js";
import { ENGINES, type TestStore, testStore } from "../test-support.js";
import { migrationsFor } from "./index.js";

describe.each(ENGINES)("migration 0007 (posture) on %s", (engine) => {
  let t: TestStore | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    await t?.drop();
  });

  const finding = (scanId: string, kind: FindingKind) => ({
    id: randomUUID(),
    scan_id: scanId,
    target_key: "image:x",
    kind,
    fingerprint: randomUUID(),
    severity: "high",
    severity_weight: 3,
    risk: 70,
    kev: 0,
    epss: -1,
    fixable: 0,
    published: "",
    cve_id: null,
    package_name: null,
    package_version: null,
    purl: null,
    path: null,
    node_id: null,
    image_ref: null,
    body: "{}",
  });
  const indexCount = async (s: Store) =>
    engine === "sqlite"
      ? (
          await sql<{
            n: number;
          }>`select count(*) as n from sqlite_master where type = 'index' and tbl_name = 'findings'`.execute(s.db)
        ).rows[0]?.n
      : Number(
          (await sql<{ n: string }>`select count(*) as n from pg_indexes where tablename = 'findings'`.execute(s.db))
            .rows[0]?.n,
        );

  it("keeps every finding and index through down and up, and accepts posture findings only after it", async () => {
    t = await testStore(engine);
    store = await openStore(t.config);
    const db = store.db;
    const scanId = randomUUID();
    await db
      .insertInto("scans")
      .values({
        id: scanId,
        target_kind: "image-archive",
        target_ref: "x",
        target_key: "image:x",
        node_id: null,
        scanners: '["vuln","posture"]',
        job_id: null,
        action_id: null,
        input_path: null,
        created_by: "test",
        created_at: new Date().toISOString(),
        source: null,
        summary: null,
        package_count: null,
        warnings: null,
        results_at: null,
        posture: '{"controls":[]}',
      })
      .execute();
    await db
      .insertInto("findings")
      .values([finding(scanId, "vuln"), finding(scanId, "secret"), finding(scanId, "posture")])
      .execute();
    const indexes = await indexCount(store);
    const migrator = new Migrator({
      db,
      provider: { getMigrations: async () => migrationsFor(engine) },
      migrationTableName: "schema_migration",
      migrationLockTableName: "schema_migration_lock",
    });
    const down = await migrator.migrateTo("0006-node-updates");
    expect(down.error).toBeUndefined();
    const kinds = async () =>
      (await db.selectFrom("findings").select("kind").orderBy("kind").execute()).map((r) => r.kind);
    expect(await kinds()).toEqual(["secret", "vuln"]);
    await expect(db.insertInto("findings").values(finding(scanId, "posture")).execute()).rejects.toThrow(/check/i);
    const up = await migrator.migrateToLatest();
    expect(up.error).toBeUndefined();
    await db.insertInto("findings").values(finding(scanId, "posture")).execute();
    expect(await kinds()).toEqual(["posture", "secret", "vuln"]);
    await expect(
      db
        .insertInto("findings")
        .values(finding(scanId, "other" as FindingKind))
        .execute(),
    ).rejects.toThrow(/check/i);
    expect(await indexCount(store)).toBe(indexes);
  });
});
