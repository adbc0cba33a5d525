import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestConsole, testConsole } from "../http/test-support.js";
import { ENGINES } from "../store/test-support.js";
import { enqueueAction } from "../topology/actions.js";
import type { FullReport } from "../topology/report.js";
import { host, webReport } from "../topology/test-support.js";

/** The sensor protocol and the topology API over HTTP, as a sensor and as users see them. */
describe.each(ENGINES)("the sensor protocol and topology API (%s)", (engine) => {
  let c: TestConsole;
  let sensorKey: string;
  let readOnly: string;
  const api = (method: "GET" | "POST" | "PUT", url: string, token: string, payload?: unknown) =>
    c.inject({
      method,
      url: `/api/v1${url}`,
      headers: c.auth(token),
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  const register = async (machineId: string, hostname = machineId) => {
    const r = await api("POST", "/sensor/register", sensorKey, {
      machineId,
      hostname,
      agentVersion: "0.1.0",
      tags: { env: "test" },
    });
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as { nodeId: string; token: string; created: boolean; lastSeq: number; heartbeatSeconds: number };
  };

  beforeAll(async () => {
    c = await testConsole(engine);
    const key = await api("POST", "/api-keys", c.adminToken, { name: "sensors", scope: "sensor" });
    sensorKey = key.json().key;
    readOnly = await c.tokenFor("read-only");
  });
  afterAll(async () => c?.close());

  it("registers a sensor with an API key, the same machine as the same node, and renews its token on heartbeat", async () => {
    const first = await register("machine-a", "alpha");
    expect(first).toMatchObject({ created: true, lastSeq: 0, heartbeatSeconds: expect.any(Number) });
    const again = await register("machine-a", "alpha");
    expect(again).toMatchObject({ nodeId: first.nodeId, created: false });
    const hb = await api("POST", "/sensor/heartbeat", first.token, { agentVersion: "0.1.1" });
    expect(hb.statusCode).toBe(200);
    expect(hb.json()).toMatchObject({ token: expect.any(String), lastSeq: 0 });
    expect((await api("POST", "/sensor/heartbeat", hb.json().token, {})).statusCode).toBe(200);
    // A sensor token is not a user's, nor the other way round.
    expect((await api("GET", "/topology/nodes", first.token)).statusCode).toBe(403);
    expect((await api("POST", "/sensor/heartbeat", c.adminToken, {})).statusCode).toBe(403);
    expect(
      (await api("POST", "/sensor/register", readOnly, { machineId: "x", hostname: "x", agentVersion: "1" }))
        .statusCode,
    ).toBe(403);
    const audit = await c.console.services.store.db
      .selectFrom("audit_log")
      .select(["action", "target"])
      .where("action", "=", "sensor.register")
      .execute();
    expect(audit.map((a) => a.target)).toEqual([first.nodeId, first.nodeId]);
  });

  it("takes a full report then deltas on its base, 409 full_report_required otherwise, replays acknowledged", async () => {
    const { nodeId, token } = await register("machine-b", "web-1");
    const report = (r: unknown) => api("POST", "/sensor/reports", token, r);
    const full = webReport(1);
    expect((await report(full)).json()).toEqual({ status: "applied", lastSeq: 1 });
    expect((await report(full)).json()).toEqual({ status: "duplicate", lastSeq: 1 });
    const wrongBase = await report({ seq: 3, kind: "delta", baseSeq: 2, at: new Date().toISOString() });
    expect(wrongBase.statusCode).toBe(409);
    expect(wrongBase.json().code).toBe("full_report_required");
    const delta = { seq: 2, kind: "delta", baseSeq: 1, at: new Date().toISOString(), processes: { remove: ["200"] } };
    expect((await report(delta)).json()).toEqual({ status: "applied", lastSeq: 2 });
    expect((await report(delta)).json()).toEqual({ status: "duplicate", lastSeq: 2 });

    const detail = await api("GET", `/topology/nodes/${nodeId}`, readOnly);
    expect(detail.statusCode).toBe(200);
    const { node, snapshot } = detail.json();
    expect(node).toMatchObject({
      id: nodeId,
      hostname: "web-1",
      status: "online",
      lastSeq: 2,
      counts: { processes: 2, containers: 1, listening: 1 },
    });
    expect(snapshot.processes.map((p: { pid: number }) => p.pid)).toEqual([1, 300]);
    expect(snapshot.host.interfaces[1].addresses).toEqual(["10.0.0.1"]);
    // Re-registering tells the sensor where to continue.
    expect((await register("machine-b", "web-1")).lastSeq).toBe(2);
    expect((await api("GET", `/topology/nodes/${randomUUID()}`, readOnly)).statusCode).toBe(404);
  });

  it("refuses garbage reports with 400 and stores nothing of them", async () => {
    const { nodeId, token } = await register("machine-c");
    const full = webReport(1) as FullReport & Record<string, unknown>;
    const bad = [
      { ...full, extra: true },
      { ...full, seq: -1 },
      { ...full, processes: [{ pid: "1; DROP TABLE nodes" }] },
      { ...full, listening: [{ proto: "tcp", address: "../../etc/passwd", port: 80 }] },
      { ...full, kind: "delta" },
      { ...full, host: { ...full.host, hostname: "h".repeat(300) } },
    ];
    for (const b of bad) {
      const r = await api("POST", "/sensor/reports", token, b);
      expect(r.statusCode, JSON.stringify(b).slice(0, 100)).toBe(400);
    }
    const malformed = await c.inject({
      method: "POST",
      url: "/api/v1/sensor/reports",
      headers: { ...c.auth(token), "content-type": "application/json" },
      payload: '{"seq": 1, "kind": "fu',
    });
    expect(malformed.statusCode).toBe(400);
    const { node } = (await api("GET", `/topology/nodes/${nodeId}`, readOnly)).json();
    expect(node.lastSeq).toBe(0);
  });

  it("lists nodes with their status and counts, a page at a time, and draws the graph between them", async () => {
    const a = await register("graph-a", "zz-client");
    const b = await register("graph-b", "zz-server");
    const at = new Date().toISOString();
    await api("POST", "/sensor/reports", a.token, {
      seq: 1,
      kind: "full",
      at,
      host: host("zz-client", ["10.9.0.1"]),
      processes: [{ pid: 5, ppid: 1, command: "curl http://10.9.0.2:8080/", user: "u", exe: "/usr/bin/curl" }],
      connections: [
        {
          proto: "tcp",
          local: { address: "10.9.0.1", port: 41000 },
          remote: { address: "10.9.0.2", port: 8080 },
          pid: 5,
        },
      ],
    });
    await api("POST", "/sensor/reports", b.token, {
      seq: 1,
      kind: "full",
      at,
      host: host("zz-server", ["10.9.0.2"]),
      processes: [{ pid: 6, ppid: 1, command: "/srv/app", user: "app", exe: "/srv/app" }],
      listening: [{ proto: "tcp", address: "0.0.0.0", port: 8080, pid: 6 }],
    });
    const all: { hostname: string; status: string; counts: Record<string, number> }[] = [];
    let next: string | null = null;
    do {
      const page = await api(
        "GET",
        `/topology/nodes?limit=2${next ? `&cursor=${encodeURIComponent(next)}` : ""}`,
        readOnly,
      );
      expect(page.statusCode).toBe(200);
      all.push(...page.json().nodes);
      next = page.json().next;
    } while (next);
    expect(all.map((n) => n.hostname)).toEqual([...all.map((n) => n.hostname)].sort());
    expect(all.find((n) => n.hostname === "zz-server")).toMatchObject({
      status: "online",
      counts: { processes: 1, listening: 1 },
    });
    expect((await api("GET", "/topology/nodes?status=offline", readOnly)).json().nodes).toEqual([]);
    expect((await api("GET", "/topology/nodes?cursor=nonsense", readOnly)).statusCode).toBe(400);

    const graph = await api("GET", `/topology/graph?nodeId=${a.nodeId}`, readOnly);
    expect(graph.statusCode).toBe(200);
    expect(graph.json().edges).toEqual([
      {
        from: `process:${a.nodeId}:5`,
        to: `process:${b.nodeId}:6`,
        kind: "connection",
        proto: "tcp",
        port: 8080,
        count: 1,
      },
    ]);
    expect(
      graph
        .json()
        .nodes.map((n: { id: string }) => n.id)
        .sort(),
    ).toEqual([`host:${a.nodeId}`, `host:${b.nodeId}`, `process:${a.nodeId}:5`, `process:${b.nodeId}:6`].sort());
  });

  it("hands actions to the sensor's long-poll at once, when they arrive, or not at all; acknowledged ones are not redelivered", async () => {
    const { nodeId, token } = await register("machine-d");
    const { store } = c.console.services;
    const pull = (wait: number) => api("GET", `/sensor/actions?wait=${wait}`, token);
    const first = await enqueueAction(store, nodeId, "scan", { target: { kind: "host", ref: "machine-d" } });
    const now = await pull(10);
    expect(now.json().actions).toEqual([
      {
        id: first,
        kind: "scan",
        payload: { target: { kind: "host", ref: "machine-d" } },
        createdAt: expect.any(String),
        deliveries: 1,
      },
    ]);
    expect((await api("POST", `/sensor/actions/${first}/ack`, token, { outcome: "done" })).json()).toEqual({
      id: first,
      state: "done",
    });

    let started = Date.now();
    const waiting = pull(10);
    setTimeout(() => void enqueueAction(store, nodeId, "scan", { target: { kind: "image", ref: "nginx" } }), 300);
    const arrived = await waiting;
    expect(arrived.json().actions.map((a: { kind: string }) => a.kind)).toEqual(["scan"]);
    expect(Date.now() - started).toBeLessThan(5000);

    started = Date.now();
    expect((await pull(1)).json().actions).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect((await pull(31)).statusCode).toBe(400);
    expect((await api("POST", `/sensor/actions/${randomUUID()}/ack`, token, { outcome: "done" })).statusCode).toBe(404);
  });

  it("stores uploads once: a retry gets the same answer, another body under the same id a 409", async () => {
    const { nodeId, token } = await register("machine-e");
    const uploadId = randomUUID();
    // A scan the sensor ran on its own: the target makes it a scan of this node.
    const body = {
      scanId: randomUUID(),
      kind: "secrets",
      content: { findings: [] },
      target: { kind: "host", ref: "machine-e" },
    };
    const first = await api("PUT", `/sensor/uploads/${uploadId}`, token, body);
    expect(first.statusCode, first.body).toBe(200);
    const retry = await api("PUT", `/sensor/uploads/${uploadId}`, token, body);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(first.json());
    const other = await api("PUT", `/sensor/uploads/${uploadId}`, token, {
      ...body,
      content: { findings: [], warnings: ["x"] },
    });
    expect(other.statusCode).toBe(409);
    expect(other.json().code).toBe("upload_conflict");
    const rows = await c.console.services.store.db
      .selectFrom("sensor_uploads")
      .select("upload_id")
      .where("node_id", "=", nodeId)
      .execute();
    expect(rows).toEqual([{ upload_id: uploadId }]);
    expect((await api("PUT", "/sensor/uploads/not-a-uuid", token, body)).statusCode).toBe(400);
    // An upload the scans side can never use (an unknown scan, no target) is refused.
    const { target: _t, ...untargeted } = body;
    const refused = await api("PUT", `/sensor/uploads/${randomUUID()}`, token, { ...untargeted, scanId: randomUUID() });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().code).toBe("upload_rejected");
    expect((await api("PUT", `/sensor/uploads/${randomUUID()}`, token, { ...body, kind: "exe" })).statusCode).toBe(400);
  });

  it("tells a sensor whose node is unknown to register again", async () => {
    const { keyId, userId } = await c.console.services.store.db
      .selectFrom("api_keys")
      .select(["id as keyId", "user_id as userId"])
      .where("scope", "=", "sensor")
      .executeTakeFirstOrThrow();
    const { token } = await c.console.services.tokens.issueSensorToken({ nodeId: randomUUID(), keyId, userId });
    for (const [method, url, body] of [
      ["POST", "/sensor/heartbeat", {}],
      ["POST", "/sensor/reports", webReport(1)],
      ["GET", "/sensor/actions?wait=5", undefined],
      ["PUT", `/sensor/uploads/${randomUUID()}`, { scanId: "s", kind: "done", content: {} }],
    ] as const) {
      const r = await api(method, url, token, body);
      expect(r.statusCode, url).toBe(404);
      expect(r.json().code).toBe("unknown_node");
    }
  });
});
