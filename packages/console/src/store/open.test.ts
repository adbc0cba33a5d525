import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { migrationsFor } from "./migrations/index.js";
import { openStore, type Store, StoreError } from "./open.js";
import { ENGINES, type TestStore, testStore } from "./test-support.js";

const now = () => new Date().toISOString();

describe.each(ENGINES)("the console store on %s", (engine) => {
  let t: TestStore | undefined;
  const opened: Store[] = [];
  const open = async () => {
    t ??= await testStore(engine);
    const s = await openStore(t.config);
    opened.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    await t?.drop();
    t = undefined;
  });

  it("migrates a new store to the latest schema on open, and does nothing the second time", async () => {
    const first = await open();
    expect(first.applied).toEqual(Object.keys(migrationsFor(engine)));
    await first.close();
    opened.splice(0);
    const second = await open();
    expect(second.applied).toEqual([]);
  });

  it("two consoles opening one store at once migrate it once", async () => {
    t = await testStore(engine);
    const [a, b] = await Promise.all([open(), open()]);
    expect([...(a?.applied ?? []), ...(b?.applied ?? [])]).toEqual(Object.keys(migrationsFor(engine)));
  });

  it("keeps users unique by email, roles to the three known, keys tied to their user", async () => {
    const { db } = await open();
    const user = {
      id: "u1",
      email: "a@example.com",
      password_hash: "$argon2id$x",
      role: "admin" as const,
      created_at: now(),
      tokens_valid_after: now(),
    };
    await db.insertInto("users").values(user).execute();
    await expect(
      db
        .insertInto("users")
        .values({ ...user, id: "u2" })
        .execute(),
    ).rejects.toThrow(/unique/i);
    await expect(
      db
        .insertInto("users")
        .values({ ...user, id: "u3", email: "b@example.com", role: "root" as never })
        .execute(),
    ).rejects.toThrow(/check/i);
    await db
      .insertInto("api_keys")
      .values({
        id: "k1",
        user_id: "u1",
        name: "ci",
        prefix: "rpk_ab",
        key_hash: "h1",
        created_at: now(),
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
    await expect(
      db
        .insertInto("api_keys")
        .values({
          id: "k2",
          user_id: "nobody",
          name: "x",
          prefix: "rpk_cd",
          key_hash: "h2",
          created_at: now(),
          last_used_at: null,
          revoked_at: null,
        })
        .execute(),
    ).rejects.toThrow(/foreign key/i);
    await db.deleteFrom("users").where("id", "=", "u1").execute();
    expect(await db.selectFrom("api_keys").selectAll().execute()).toEqual([]);
    const row = await db.selectFrom("users").select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
    expect(Number(row.n)).toBe(0);
  });

  it("numbers audit entries in insertion order, with the same types on both engines", async () => {
    const { db } = await open();
    for (const action of ["user.register", "apikey.create", "user.login"])
      await db
        .insertInto("audit_log")
        .values({ at: now(), actor: "u1", action, target: null, detail: JSON.stringify({ ok: true }) })
        .execute();
    const rows = await db.selectFrom("audit_log").selectAll().orderBy("id").execute();
    expect(rows.map((r) => r.action)).toEqual(["user.register", "apikey.create", "user.login"]);
    const ids = rows.map((r) => Number(r.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(3);
    const user = await db
      .insertInto("users")
      .values({
        id: "u9",
        email: "c@example.com",
        password_hash: "h",
        role: "read-only",
        created_at: now(),
        tokens_valid_after: now(),
      })
      .returning(["disabled"])
      .executeTakeFirstOrThrow();
    expect(user.disabled).toBe(0);
  });
});

describe("opening a store that cannot be opened", () => {
  it("names the engine and the reason", async () => {
    await expect(openStore({ engine: "sqlite", path: "/nonexistent-dir/x/console.db" })).rejects.toThrow(StoreError);
    await expect(openStore({ engine: "postgres", url: "postgres://rampart:wrong@127.0.0.1:1/none" })).rejects.toThrow(
      /cannot open the postgres store/,
    );
  });
});
