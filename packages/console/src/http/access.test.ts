import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newApiKey } from "../auth/api-keys.js";
import { ENGINES } from "../store/test-support.js";
import { type TestConsole, testConsole } from "./test-support.js";

type Caller =
  | "none"
  | "read-only"
  | "standard"
  | "admin"
  | "sensor"
  | "sensor-key"
  | "api-key-standard"
  | "api-key-read-only";

/** Which callers each declared access admits; everything else must get 401 (no credentials) or 403. */
const ADMITS: Record<string, Caller[]> = {
  public: ["none", "read-only", "standard", "admin", "sensor", "sensor-key", "api-key-standard", "api-key-read-only"],
  "read-only": ["read-only", "standard", "admin", "api-key-standard", "api-key-read-only"],
  standard: ["standard", "admin", "api-key-standard"],
  admin: ["admin"],
  sensor: ["sensor"],
  "sensor-key": ["sensor-key", "api-key-standard"],
};

/**
 * Routes whose least role is a security decision: checked against what the OpenAPI document declares, so a
 * route quietly opened up fails here, not in production.
 */
const MUST_NEED: [method: string, path: string, access: string][] = [
  ["get", "/api/v1/users", "admin"],
  ["patch", "/api/v1/users/{id}", "admin"],
  ["post", "/api/v1/invitations", "admin"],
  ["get", "/api/v1/audit", "admin"],
  ["post", "/api/v1/system/vulndb/refresh", "admin"],
  ["get", "/api/v1/api-keys", "standard"],
  ["post", "/api/v1/api-keys", "standard"],
  ["get", "/api/v1/system/status", "read-only"],
  ["post", "/api/v1/scans/image-archive", "standard"],
  ["post", "/api/v1/scans/sbom", "standard"],
  ["post", "/api/v1/scans/node", "standard"],
  ["post", "/api/v1/scans/{id}/cancel", "standard"],
  ["put", "/api/v1/findings/{id}/state", "standard"],
  ["get", "/api/v1/findings", "read-only"],
  ["get", "/api/v1/topology/nodes", "read-only"],
  ["post", "/api/v1/sensor/reports", "sensor"],
  ["put", "/api/v1/sensor/uploads/{uploadId}", "sensor"],
  ["post", "/api/v1/sensor/register", "sensor-key"],
];

interface Operation {
  method: string;
  path: string;
  access: string;
}

describe.each(ENGINES)("every route checks its caller (%s)", (engine) => {
  let c: TestConsole;
  let ops: Operation[];
  const callers = new Map<Caller, () => Promise<string | undefined>>();

  beforeAll(async () => {
    c = await testConsole(engine);
    const doc = (await c.inject({ method: "GET", url: "/api/v1/openapi.json" })).json() as {
      paths: Record<string, Record<string, { "x-rampart-access"?: string }>>;
    };
    ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ method, path, access: op["x-rampart-access"] ?? "MISSING" })),
    );
    const { store, sessions, tokens } = c.console.services;
    // A fresh session per request: some routes (sign out everywhere, password change) revoke the caller's tokens.
    const userOf = async (role: string) => {
      await c.tokenFor(role as "admin");
      const u = await store.db
        .selectFrom("users")
        .select("id")
        .where("role", "=", role as "admin")
        .executeTakeFirstOrThrow();
      return u.id;
    };
    const keyFor = async (role: string, scope: "api" | "sensor") => {
      const k = newApiKey();
      await store.db
        .insertInto("api_keys")
        .values({
          id: randomUUID(),
          user_id: await userOf(role),
          name: `${role}-${scope}`,
          prefix: k.prefix,
          key_hash: k.hash,
          created_at: new Date().toISOString(),
          last_used_at: null,
          revoked_at: null,
          scope,
          expires_at: null,
        })
        .execute();
      return k.key;
    };
    for (const role of ["read-only", "standard", "admin"] as const) {
      const id = await userOf(role);
      callers.set(role, async () => (await sessions.start(id)).accessToken);
    }
    const sensorKey = await keyFor("standard", "sensor");
    const roKey = await keyFor("read-only", "api");
    const stdKey = await keyFor("standard", "api");
    const sensorKeyRow = await store.db
      .selectFrom("api_keys")
      .select(["id", "user_id"])
      .where("scope", "=", "sensor")
      .executeTakeFirstOrThrow();
    callers.set("none", async () => undefined);
    callers.set("sensor-key", async () => sensorKey);
    callers.set("api-key-read-only", async () => roKey);
    callers.set("api-key-standard", async () => stdKey);
    callers.set(
      "sensor",
      async () =>
        (await tokens.issueSensorToken({ nodeId: randomUUID(), keyId: sensorKeyRow.id, userId: sensorKeyRow.user_id }))
          .token,
    );
  });
  afterAll(async () => c?.close());

  it("declares an access on every operation of the OpenAPI document, and the sensitive ones as expected", () => {
    expect(ops.length).toBeGreaterThan(10);
    for (const op of ops) expect(Object.keys(ADMITS), `${op.method} ${op.path}`).toContain(op.access);
    for (const [method, path, access] of MUST_NEED)
      expect(ops.find((o) => o.method === method && o.path === path)?.access, `${method} ${path}`).toBe(access);
  });

  it("refuses every caller the access does not admit (401 without credentials, 403 otherwise) and lets the others through", async () => {
    const failures: string[] = [];
    for (const op of ops) {
      const url = op.path.replace(/\{[^}]+\}/g, randomUUID());
      for (const [caller, credential] of callers) {
        const token = await credential();
        const res = await c.inject({
          method: op.method.toUpperCase() as "GET",
          url,
          headers: token ? { authorization: `Bearer ${token}` } : {},
          ...(["post", "put", "patch"].includes(op.method) ? { payload: {} } : {}),
        });
        const admitted = ADMITS[op.access]?.includes(caller);
        const body = res.body ? (JSON.parse(res.body) as { code?: string }) : {};
        const refused = res.statusCode === 401 || (res.statusCode === 403 && body.code === "forbidden");
        if (admitted && refused) failures.push(`${op.method} ${op.path} as ${caller}: refused (${res.statusCode})`);
        if (!admitted && !refused) failures.push(`${op.method} ${op.path} as ${caller}: answered ${res.statusCode}`);
        if (!admitted && caller === "none" && res.statusCode !== 401)
          failures.push(`${op.method} ${op.path} anonymous: ${res.statusCode}, not 401`);
        if (res.statusCode >= 500) failures.push(`${op.method} ${op.path} as ${caller}: ${res.statusCode} ${res.body}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
