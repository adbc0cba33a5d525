import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES } from "../store/test-support.js";
import { type TestConsole, testConsole } from "./test-support.js";

/**
 * Garbage at every route, derived from its own schema in the OpenAPI document: malformed JSON, a body over
 * the limit, unknown fields, each field with a wrong type, SQL-looking strings, path traversal and control
 * characters in strings, names and path parameters. Every answer must be a JSON 4xx (or a success for input
 * that happens to be valid) — never a 500.
 */

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  const?: unknown;
  enum?: unknown[];
  format?: string;
  minimum?: number;
  default?: unknown;
};
interface Op {
  method: string;
  path: string;
  access: string;
  /** The route's body limit in bytes (decoded), from the document. */
  bodyLimit: number;
  body?: Schema;
  query: { name: string; schema: Schema }[];
}

const EVIL = [
  "' OR '1'='1' --",
  "'; DROP TABLE users; --",
  "../../../../etc/passwd",
  "..%2f..%2fetc%2fpasswd",
  "\u0000\u0001\u001f",
  "a".repeat(70_000),
  "<script>alert(1)</script>",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Log4Shell-style lookup string, sent as is
  "${jndi:ldap://127.0.0.1/x}",
  "%s%s%s%n",
  "😀\ud800",
];

/** A value of the schema's type (the first alternative of a union), filled with `s` for strings. */
function sample(schema: Schema | undefined, s: string, depth = 0): unknown {
  if (!schema || depth > 6) return null;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const alt = schema.anyOf ?? schema.oneOf;
  if (alt?.[0]) return sample(alt[0], s, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "object":
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, sample(v, s, depth + 1)]));
    case "array":
      return [sample(schema.items, s, depth + 1)];
    case "string":
      return schema.format === "date-time" ? new Date().toISOString() : s;
    case "integer":
    case "number":
      return schema.minimum ?? 1;
    case "boolean":
      return true;
    default:
      return null;
  }
}

/** Something of another type than the schema wants. */
/** Percent-encoded for a path; a lone surrogate (not encodable) becomes invalid UTF-8 bytes instead. */
function pathSegment(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return "%ED%A0%80%FF";
  }
}

function wrongType(schema: Schema): unknown {
  const type = Array.isArray(schema.type)
    ? schema.type[0]
    : (schema.type ?? (schema.const !== undefined ? typeof schema.const : undefined));
  if (type === "string") return 12345;
  if (type === "integer" || type === "number") return "not a number";
  if (type === "boolean") return "yes";
  if (type === "array") return { not: "an array" };
  if (type === "object") return ["not", "an", "object"];
  return { unexpected: [1, 2, 3] };
}

describe.each(ENGINES)("garbage in, 4xx out, on every route (%s)", (engine) => {
  let c: TestConsole;
  let ops: Op[];
  let tokenFor: (access: string) => Promise<Record<string, string>>;

  beforeAll(async () => {
    c = await testConsole(engine, { loginAttemptsPerMinute: 1_000_000 });
    const doc = (await c.inject({ method: "GET", url: "/api/v1/openapi.json" })).json() as {
      paths: Record<
        string,
        Record<
          string,
          {
            "x-rampart-access": string;
            "x-rampart-body-limit": number;
            requestBody?: { content: Record<string, { schema: Schema }> };
            parameters?: { in: string; name: string; schema: Schema }[];
          }
        >
      >;
    };
    ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        access: op["x-rampart-access"],
        bodyLimit: op["x-rampart-body-limit"],
        ...(op.requestBody?.content["application/json"]
          ? { body: op.requestBody.content["application/json"].schema }
          : {}),
        query: (op.parameters ?? []).filter((p) => p.in === "query").map((p) => ({ name: p.name, schema: p.schema })),
      })),
    );
    const { store, sessions, tokens } = c.console.services;
    const admin = await store.db.selectFrom("users").select("id").where("role", "=", "admin").executeTakeFirstOrThrow();
    const key = await c.inject({
      method: "POST",
      url: "/api/v1/api-keys",
      headers: c.auth(c.adminToken),
      payload: { name: "fuzz", scope: "sensor" },
    });
    const keyId = key.json().id as string;
    tokenFor = async (access): Promise<Record<string, string>> => {
      if (access === "public") return {};
      if (access === "sensor-key") return { authorization: `Bearer ${key.json().key}` };
      if (access === "sensor")
        return {
          authorization: `Bearer ${(await tokens.issueSensorToken({ nodeId: randomUUID(), keyId, userId: admin.id })).token}`,
        };
      return { authorization: `Bearer ${(await sessions.start(admin.id)).accessToken}` };
    };
  });
  afterAll(async () => c?.close());

  async function send(op: Op, o: { url?: string; payload?: string; query?: Record<string, string> }) {
    const url =
      (o.url ?? op.path.replace(/\{[^}]+\}/g, randomUUID())) + (o.query ? `?${new URLSearchParams(o.query)}` : "");
    return c.inject({
      method: op.method as "GET",
      url,
      headers: {
        ...(await tokenFor(op.access)),
        ...(o.payload !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(o.payload !== undefined ? { payload: o.payload } : {}),
    });
  }

  function check(failures: string[], what: string, res: { statusCode: number; body: string }, want?: number) {
    if (res.statusCode >= 500) failures.push(`${what}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    else if (want !== undefined && res.statusCode !== want)
      failures.push(`${what}: ${res.statusCode}, wanted ${want}: ${res.body.slice(0, 200)}`);
    else if (res.statusCode >= 400) {
      const body = JSON.parse(res.body) as { statusCode?: number; code?: string; message?: string };
      if (body.statusCode !== res.statusCode || !body.code || !body.message)
        failures.push(`${what}: error body ${res.body.slice(0, 200)}`);
    }
  }

  it("refuses malformed JSON, oversized bodies, unknown fields and wrong types with a 4xx naming the problem", async () => {
    const failures: string[] = [];
    for (const op of ops.filter((o) => o.body)) {
      const name = `${op.method} ${op.path}`;
      const schema = op.body as Schema;
      check(failures, `${name} malformed JSON`, await send(op, { payload: '{"a": [1, 2' }), 400);
      check(
        failures,
        `${name} oversized`,
        await send(op, { payload: JSON.stringify({ x: "a".repeat(op.bodyLimit) }) }),
        413,
      );
      if (schema.type === "object") {
        check(
          failures,
          `${name} unknown field`,
          await send(op, { payload: JSON.stringify({ ...(sample(schema, "x") as object), surprise: 1 }) }),
          400,
        );
        for (const [field, fieldSchema] of Object.entries(schema.properties ?? {})) {
          const bad = { ...(sample(schema, "x") as object), [field]: wrongType(fieldSchema) };
          check(failures, `${name} ${field} of the wrong type`, await send(op, { payload: JSON.stringify(bad) }), 400);
        }
        check(failures, `${name} an array instead of an object`, await send(op, { payload: "[]" }), 400);
      }
    }
    expect(failures).toEqual([]);
  });

  it("answers hostile strings in bodies, query strings and path parameters without a 500", async () => {
    const failures: string[] = [];
    for (const op of ops) {
      const name = `${op.method} ${op.path}`;
      for (const evil of EVIL) {
        if (op.body)
          check(
            failures,
            `${name} body ${JSON.stringify(evil.slice(0, 20))}`,
            await send(op, { payload: JSON.stringify(sample(op.body, evil)) }),
          );
        for (const q of op.query)
          check(
            failures,
            `${name} ?${q.name}=${JSON.stringify(evil.slice(0, 20))}`,
            await send(op, {
              query: { [q.name]: evil.slice(0, 2000) },
              ...(op.body ? { payload: JSON.stringify(sample(op.body, "x")) } : {}),
            }),
          );
        if (op.path.includes("{"))
          check(
            failures,
            `${name} path ${JSON.stringify(evil.slice(0, 20))}`,
            await send(op, {
              url: op.path.replace(/\{[^}]+\}/g, pathSegment(evil.slice(0, 2000))),
              ...(op.body ? { payload: JSON.stringify(sample(op.body, "x")) } : {}),
            }),
          );
      }
      for (const q of op.query)
        if (q.schema.type === "integer" || q.schema.type === "boolean")
          check(failures, `${name} ?${q.name} of the wrong type`, await send(op, { query: { [q.name]: "zzz" } }), 400);
    }
    expect(failures).toEqual([]);
  });
});
