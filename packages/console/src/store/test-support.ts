// Both engines for the store tests (excluded from the build): a temp SQLite file, and a fresh database on the
// loopback PostgreSQL the test setup starts (test/setup/postgres.sh). Every store test runs on both.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { StoreConfig } from "./open.js";

const PG_PORT = Number(process.env.RAMPART_TEST_PG_PORT ?? 55433);
const pgUrl = (database: string) => `postgres://rampart:rampart@127.0.0.1:${PG_PORT}/${database}`;

/** A store location that exists until `drop`: a new SQLite file, or a new PostgreSQL database. */
export interface TestStore {
  config: StoreConfig;
  drop(): Promise<void>;
}

export const ENGINES = ["sqlite", "postgres"] as const;

export async function testStore(engine: (typeof ENGINES)[number]): Promise<TestStore> {
  if (engine === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "rampart-store-"));
    return {
      config: { engine, path: join(dir, "console.db") },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `rampart_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: pgUrl("postgres") });
  await admin.connect().catch((e: Error) => {
    throw new Error(
      `PostgreSQL is not answering on 127.0.0.1:${PG_PORT} (${e.message}): run test/setup/postgres.sh start`,
    );
  });
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    config: { engine, url: pgUrl(name) },
    drop: async () => {
      const c = new pg.Client({ connectionString: pgUrl("postgres") });
      await c.connect();
      try {
        // An autovacuum worker the busy tests set off cannot be terminated by the test role, so DROP … WITH
        // (FORCE) fails (42501) until it is done, a second or so: wait it out.
        for (let tries = 1; ; tries++) {
          try {
            await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
            return;
          } catch (e) {
            if (tries >= 25 || (e as { code?: string }).code !== "42501") throw e;
            await new Promise((r) => setTimeout(r, 200));
          }
        }
      } finally {
        await c.end();
      }
    },
  };
}
