import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { validatorCompiler } from "../http/validation.js";
import { openStore, type Store } from "../store/open.js";
import { ENGINES, type TestStore, testStore } from "../store/test-support.js";
import { claimActions, enqueueAction, getAction, UnknownNodeError } from "./actions.js";
import { getNode, listNodes } from "./nodes.js";
import { type DeltaReport, itemKey, LIMITS, Report } from "./report.js";
import { SensorService, type SensorService as Service } from "./service.js";
import { readSnapshot } from "./snapshot.js";
import { host, sensorKey, webReport } from "./test-support.js";
import { markUploadProcessed, type StoredUpload, unprocessedUploads } from "./uploads.js";

/** pullActions' answer for a node the test registered (undefined only for unknown nodes). */
const must = <T>(v: T | undefined): T => {
  if (v === undefined) throw new Error("the node is unknown");
  return v;
};

const reg = (machineId: string, hostname = machineId) => ({
  machineId,
  hostname,
  agentVersion: "0.1.0",
  tags: { env: "test" },
});

describe.each(ENGINES)("the sensor protocol's store side on %s", (engine) => {
  let t: TestStore;
  let store: Store;
  let sensors: Service;
  const extra: { store: Store; service?: Service }[] = [];

  beforeEach(async () => {
    t = await testStore(engine);
    store = await openStore(t.config);
    sensors = new SensorService(store, { heartbeatSeconds: 10, actionCheckMs: 100 });
  });
  afterEach(async () => {
    await sensors.stop();
    for (const x of extra.splice(0)) {
      await x.service?.stop();
      await x.store.close();
    }
    await store.close();
    await t.drop();
  });

  const registered = async (machineId = "machine-1") => {
    const key = await sensorKey(store);
    return (await sensors.register(key, reg(machineId))).node.id;
  };

  it("gives a sensor a stable node: re-registering the same machine returns the same node", async () => {
    const key = await sensorKey(store);
    const first = await sensors.register(key, reg("m1", "alpha"));
    expect(first.created).toBe(true);
    expect(first.node).toMatchObject({
      machineId: "m1",
      hostname: "alpha",
      status: "online",
      lastSeq: 0,
      tags: { env: "test" },
    });
    await sensors.report(first.node.id, webReport(7, "alpha"));

    const again = await sensors.register(key, {
      ...reg("m1", "alpha-renamed"),
      tags: { env: "prod" },
      agentVersion: "0.2.0",
    });
    expect(again.created).toBe(false);
    expect(again.node.id).toBe(first.node.id);
    expect(again.node).toMatchObject({
      hostname: "alpha-renamed",
      tags: { env: "prod" },
      agentVersion: "0.2.0",
      lastSeq: 7,
    });
    expect(again.node.registeredAt).toBe(first.node.registeredAt);

    // Another machine is another node; the same machine id under another user's key does not take it over.
    expect((await sensors.register(key, reg("m2"))).node.id).not.toBe(first.node.id);
    const stranger = await sensorKey(store);
    expect((await sensors.register(stranger, reg("m1"))).node.id).not.toBe(first.node.id);

    // Two registrations of one new machine racing: one node.
    const racing = await Promise.all([sensors.register(key, reg("m3")), sensors.register(key, reg("m3"))]);
    expect(racing[0].node.id).toBe(racing[1].node.id);
    expect(racing.filter((r) => r.created)).toHaveLength(1);
  });

  it("applies a full report, then deltas on top, each only on its base", async () => {
    const id = await registered();
    expect(await sensors.report(id, webReport(1))).toEqual({ status: "applied", lastSeq: 1 });
    let snap = await readSnapshot(store, id);
    expect(snap.host?.hostname).toBe("web-1");
    expect(snap.processes.map((p) => p.pid)).toEqual([1, 200, 300]);
    expect(snap.containers.map((c) => c.name)).toEqual(["web"]);

    const delta: DeltaReport = {
      seq: 2,
      kind: "delta",
      baseSeq: 1,
      at: new Date().toISOString(),
      processes: {
        upsert: [
          { pid: 200, ppid: 1, command: "bash -l", user: "bob", exe: "/usr/bin/bash" },
          { pid: 1000, ppid: 1, command: "curl http://10.0.0.2/", user: "bob", exe: "/usr/bin/curl" },
        ],
        remove: ["1"],
      },
      connections: {
        upsert: [
          {
            proto: "tcp",
            local: { address: "10.0.0.1", port: 40000 },
            remote: { address: "10.0.0.2", port: 80 },
            pid: 1000,
          },
        ],
      },
      images: { remove: ["sha256:aa"] },
    };
    expect(await sensors.report(id, delta)).toEqual({ status: "applied", lastSeq: 2 });
    snap = await readSnapshot(store, id);
    expect(snap.processes.map((p) => [p.pid, p.user])).toEqual([
      [200, "bob"],
      [300, "root"],
      [1000, "bob"],
    ]);
    expect(snap.connections).toHaveLength(1);
    expect(snap.images).toEqual([]);
    expect(snap.containers).toHaveLength(1);

    // A delta's remove takes the keys the contract defines.
    const conn = snap.connections[0];
    if (!conn) throw new Error("no connection");
    const closing: DeltaReport = {
      seq: 5,
      kind: "delta",
      baseSeq: 2,
      at: new Date().toISOString(),
      connections: { remove: [itemKey("connections", conn)] },
    };
    expect(await sensors.report(id, closing)).toEqual({ status: "applied", lastSeq: 5 });
    expect((await readSnapshot(store, id)).connections).toEqual([]);

    // A new full report replaces everything, sections left out included.
    const { processes: _p, containers: _c, ...bare } = webReport(6);
    expect(await sensors.report(id, bare)).toEqual({ status: "applied", lastSeq: 6 });
    snap = await readSnapshot(store, id);
    expect(snap.processes).toEqual([]);
    expect(snap.containers).toEqual([]);
    expect(snap.listening).toHaveLength(1);

    const page = await listNodes(store, { limit: 10 });
    expect(page.nodes[0]?.counts).toMatchObject({ processes: 0, listening: 1, images: 1, containers: 0 });
    expect(page.nodes[0]).toMatchObject({ lastSeq: 6, hostname: "web-1" });
  });

  it("answers a delta on the wrong base (or before any full report) with full_report_required", async () => {
    const id = await registered();
    const delta = (seq: number, baseSeq: number): DeltaReport => ({
      seq,
      kind: "delta",
      baseSeq,
      at: new Date().toISOString(),
      processes: { remove: ["1"] },
    });
    expect(await sensors.report(id, delta(2, 1))).toEqual({ status: "full_report_required", lastSeq: 0 });
    expect(await sensors.report(id, webReport(3))).toMatchObject({ status: "applied" });
    expect(await sensors.report(id, delta(5, 4))).toEqual({ status: "full_report_required", lastSeq: 3 });
    expect((await readSnapshot(store, id)).processes).toHaveLength(3);
    expect(await sensors.report(id, delta(5, 3))).toEqual({ status: "applied", lastSeq: 5 });
    expect((await readSnapshot(store, id)).processes).toHaveLength(2);
    expect(await sensors.report(randomUUID(), webReport(1))).toEqual({ status: "unknown_node" });
  });

  it("acknowledges a replayed report without applying it again", async () => {
    const id = await registered();
    const full = webReport(1);
    expect(await sensors.report(id, full)).toMatchObject({ status: "applied" });
    const delta: DeltaReport = {
      seq: 2,
      kind: "delta",
      baseSeq: 1,
      at: new Date().toISOString(),
      processes: { remove: ["200"] },
    };
    expect(await sensors.report(id, delta)).toMatchObject({ status: "applied" });
    const before = await readSnapshot(store, id);
    // The same full report and the same delta again, and an older one: all acknowledged, nothing changes.
    expect(await sensors.report(id, full)).toEqual({ status: "duplicate", lastSeq: 2 });
    expect(await sensors.report(id, delta)).toEqual({ status: "duplicate", lastSeq: 2 });
    const replays = await Promise.all([1, 2, 3].map(() => sensors.report(id, delta)));
    expect(replays.map((r) => r.status)).toEqual(["duplicate", "duplicate", "duplicate"]);
    expect(await readSnapshot(store, id)).toEqual(before);
    // The same report sent twice at once is applied once.
    const next = webReport(3);
    const both = await Promise.all([sensors.report(id, next), sensors.report(id, next)]);
    expect(both.map((r) => r.status).sort()).toEqual(["applied", "duplicate"]);
  });

  it("marks silent nodes offline without deleting them, and online again when they speak", async () => {
    const a = await registered("a");
    const b = await registered("b");
    await sensors.report(a, webReport(1, "a"));
    const later = new Date(Date.now() + 31_000);
    // Three heartbeat intervals (10 s) without a word: offline. b speaks just before the sweep.
    await store.db.updateTable("nodes").set({ last_seen_at: later.toISOString() }).where("id", "=", b).execute();
    expect((await sensors.sweep(later)).offline).toEqual([a]);
    expect((await getNode(store, a))?.status).toBe("offline");
    expect((await getNode(store, b))?.status).toBe("online");
    expect((await sensors.sweep(later)).offline).toEqual([]);
    // Still there, snapshot and all, and listed as offline.
    expect((await readSnapshot(store, a)).processes).toHaveLength(3);
    expect((await listNodes(store, { status: "offline", limit: 10 })).nodes.map((n) => n.id)).toEqual([a]);
    expect(await sensors.heartbeat(a)).toEqual({ lastSeq: 1 });
    expect((await getNode(store, a))?.status).toBe("online");
    await store.db.updateTable("nodes").set({ status: "offline" }).execute();
    await sensors.report(a, webReport(2, "a"));
    expect((await getNode(store, a))?.status).toBe("online");
    expect(await sensors.heartbeat(randomUUID())).toBeUndefined();
  });

  it("pages nodes by hostname with a cursor", async () => {
    const key = await sensorKey(store);
    const names = ["delta", "alpha", "echo", "charlie", "bravo"];
    for (const n of names) await sensors.register(key, reg(n));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listNodes(store, { limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.nodes.map((n) => n.hostname));
      cursor = page.next ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...names].sort());
    await expect(listNodes(store, { limit: 2, cursor: "garbage" })).rejects.toThrow(/invalid cursor/);
  });

  describe("actions", () => {
    it("returns pending actions at once, oldest first, and each only once", async () => {
      const id = await registered();
      const a1 = await enqueueAction(store, id, "scan", { target: "host" }, { now: new Date(Date.now() - 1000) });
      const a2 = await enqueueAction(store, id, "scan", { target: "image", ref: "nginx:1.25" });
      const started = Date.now();
      const got = must(await sensors.pullActions(id, 30));
      expect(Date.now() - started).toBeLessThan(2000);
      expect(got.map((a) => [a.id, a.kind, a.payload])).toEqual([
        [a1, "scan", { target: "host" }],
        [a2, "scan", { target: "image", ref: "nginx:1.25" }],
      ]);
      expect(got.every((a) => a.state === "delivered" && a.deliveries === 1)).toBe(true);
      expect(await sensors.pullActions(id, 0)).toEqual([]);
      expect(await sensors.pullActions(randomUUID(), 5)).toBeUndefined();
      await expect(enqueueAction(store, randomUUID(), "scan", {})).rejects.toThrow(UnknownNodeError);
    });

    it("waits for an action and returns as soon as one is enqueued", async () => {
      const id = await registered();
      const other = await registered("other");
      const started = Date.now();
      const pulling = sensors.pullActions(id, 10);
      await new Promise((r) => setTimeout(r, 300));
      await enqueueAction(store, other, "scan", {}); // another node's action does not end this wait
      const mine = await enqueueAction(store, id, "scan", { target: "host" });
      const got = must(await pulling);
      expect(got.map((a) => a.id)).toEqual([mine]);
      expect(Date.now() - started).toBeLessThan(3000);
    });

    it("times out empty", async () => {
      const id = await registered();
      const started = Date.now();
      expect(await sensors.pullActions(id, 1)).toEqual([]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(sensors.waiting).toBe(0);
    });

    it("wakes a wait on one console for an action enqueued by another console on the same store", async () => {
      const id = await registered();
      const otherStore = await openStore(t.config);
      extra.push({ store: otherStore });
      const started = Date.now();
      const pulling = sensors.pullActions(id, 10);
      await new Promise((r) => setTimeout(r, 300));
      const action = await enqueueAction(otherStore, id, "scan", {});
      expect(must(await pulling).map((a) => a.id)).toEqual([action]);
      expect(Date.now() - started).toBeLessThan(3000);
    });

    it("ends waits when the service stops", async () => {
      const id = await registered();
      const pulling = sensors.pullActions(id, 30);
      await new Promise((r) => setTimeout(r, 100));
      expect(sensors.waiting).toBe(1);
      const started = Date.now();
      await sensors.stop();
      expect(await pulling).toEqual([]);
      expect(Date.now() - started).toBeLessThan(1000);
    });

    it("delivers an unacknowledged action again after the timeout, not an acknowledged one, and fails it after the last try", async () => {
      const id = await registered();
      const rules = { redeliverAfterSeconds: 60, maxDeliveries: 3 };
      const t0 = Date.now();
      const at = (s: number) => ({ now: new Date(t0 + s * 1000) });
      const kept = await enqueueAction(store, id, "scan", { n: 1 }, at(-2));
      const acked = await enqueueAction(store, id, "scan", { n: 2 }, at(-1));
      expect((await claimActions(store, id, rules, at(0))).map((a) => a.id)).toEqual([kept, acked]);
      expect(await sensors.ackAction(id, acked, "done")).toEqual({ state: "done" });
      expect(await claimActions(store, id, rules, at(30))).toEqual([]);
      const again = await claimActions(store, id, rules, at(61));
      expect(again.map((a) => [a.id, a.deliveries])).toEqual([[kept, 2]]);
      expect((await claimActions(store, id, rules, at(122))).map((a) => a.deliveries)).toEqual([3]);
      expect(await claimActions(store, id, rules, at(183))).toEqual([]);
      expect(await getAction(store, kept)).toMatchObject({
        state: "failed",
        result: "not acknowledged after 3 deliveries",
      });
      expect(await getAction(store, acked)).toMatchObject({ state: "done" });
      // Acknowledging is for the node's own actions, and the first answer stands.
      expect(await sensors.ackAction(id, acked, "failed", "too late")).toEqual({ state: "done" });
      expect(await sensors.ackAction(randomUUID(), acked, "done")).toBe("unknown_action");
    });

    // Several consoles share a store on PostgreSQL only (an embedded SQLite store belongs to one process).
    // Defined for PostgreSQL only (not skipped on SQLite: there is no such case to test there).
    if (engine === "postgres")
      it("two consoles answering one sensor at once deliver each action once", async () => {
        const id = await registered();
        const otherStore = await openStore(t.config);
        const otherService = new SensorService(otherStore);
        extra.push({ store: otherStore, service: otherService });
        const ids = new Set<string>();
        for (let i = 0; i < 20; i++) ids.add(await enqueueAction(store, id, "scan", { i }));
        const [a, b] = await Promise.all([sensors.pullActions(id, 0), otherService.pullActions(id, 0)]);
        const all = [...must(a), ...must(b)].map((x) => x.id);
        expect(all.sort()).toEqual([...ids].sort());
      });
  });

  describe("uploads", () => {
    const body = (n: number) => ({
      scanId: "scan-1",
      kind: "sbom" as const,
      content: { bomFormat: "CycloneDX", components: [{ name: "lodash", version: `4.17.${n}` }] },
    });

    it("stores an upload once: a retry gets the same answer and no new row; another body under the same id is a conflict", async () => {
      const id = await registered();
      const seen: StoredUpload[] = [];
      sensors.setUploadHook(async (u) => {
        seen.push(u);
      });
      const uploadId = randomUUID();
      const first = await sensors.upload(id, uploadId, body(15));
      expect(first.result.status).toBe("stored");
      const retry = await sensors.upload(id, uploadId, body(15));
      expect(retry.result.status).toBe("repeat");
      if (first.result.status !== "stored" || retry.result.status !== "repeat") throw new Error("unreachable");
      expect(retry.result.upload).toEqual(first.result.upload);
      const conflict = await sensors.upload(id, uploadId, body(21));
      expect(conflict.result.status).toBe("conflict");
      const rows = await store.db.selectFrom("sensor_uploads").selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(JSON.parse(rows[0]?.body ?? "")).toEqual(body(15));
      // The hook saw the upload each time it was not yet processed (the first time and the retry).
      expect(seen.map((u) => u.uploadId)).toEqual([uploadId, uploadId]);
      expect(seen[0]?.body.content).toEqual(body(15).content);
      // The same upload id from another node is another upload.
      const other = await registered("other");
      expect((await sensors.upload(other, uploadId, body(21))).result.status).toBe("stored");
      expect(await sensors.upload(randomUUID(), uploadId, body(1))).toEqual({ result: { status: "unknown_node" } });
    });

    it("keeps an upload whose hook failed for later, and lists what is not processed", async () => {
      const id = await registered();
      sensors.setUploadHook(async () => {
        throw new Error("scans not ready");
      });
      const u1 = randomUUID();
      const failed = await sensors.upload(id, u1, body(1));
      expect(failed.result.status).toBe("stored");
      expect(String(failed.hookError)).toMatch(/scans not ready/);
      let processed = 0;
      sensors.setUploadHook(async (u) => {
        await markUploadProcessed(store, u.id);
        processed++;
      });
      await sensors.upload(id, randomUUID(), body(2));
      expect(processed).toBe(1);
      const pending = await unprocessedUploads(store);
      expect(pending.map((u) => u.uploadId)).toEqual([u1]);
      // A retry of the unprocessed one runs the hook again; once processed, a retry does not.
      await sensors.upload(id, u1, body(1));
      expect(processed).toBe(2);
      await sensors.upload(id, u1, body(1));
      expect(processed).toBe(2);
      expect(await unprocessedUploads(store)).toEqual([]);
    });
  });
});

describe("the report schema", () => {
  const valid = validatorCompiler({ schema: Report, httpPart: "body", method: "POST", url: "/" }) as (
    v: unknown,
  ) => boolean;
  const full = () =>
    JSON.parse(JSON.stringify(webReport(1))) as Record<string, unknown> & { processes: Record<string, unknown>[] };

  it("accepts full reports and deltas", () => {
    expect(valid(full())).toBe(true);
    expect(valid({ seq: 2, kind: "delta", baseSeq: 1, at: new Date().toISOString() })).toBe(true);
    expect(
      valid({
        seq: 2,
        kind: "delta",
        baseSeq: 1,
        at: new Date().toISOString(),
        host: host("h", ["fe80::1%eth0"]),
        pods: { remove: ["uid-1"] },
      }),
    ).toBe(true);
  });

  it("refuses garbage", () => {
    const bad: [string, unknown][] = [
      ["not an object", []],
      ["unknown field", { ...full(), surprise: 1 }],
      ["unknown item field", { ...full(), processes: [{ ...full().processes[0], extra: true }] }],
      ["delta without base", { seq: 2, kind: "delta", at: new Date().toISOString() }],
      ["full without host", { ...full(), host: undefined }],
      ["seq zero", { ...full(), seq: 0 }],
      ["seq as text", { ...full(), seq: "1" }],
      ["bad time", { ...full(), at: "yesterday" }],
      ["unknown kind", { ...full(), kind: "partial" }],
      ["port out of range", { ...full(), listening: [{ proto: "tcp", address: "0.0.0.0", port: 70000 }] }],
      ["address with SQL", { ...full(), listening: [{ proto: "tcp", address: "1' OR '1'='1", port: 80 }] }],
      ["unknown protocol", { ...full(), listening: [{ proto: "sctp", address: "0.0.0.0", port: 80 }] }],
      ["command too long", { ...full(), processes: [{ ...full().processes[0], command: "x".repeat(5000) }] }],
      [
        "too many processes",
        {
          ...full(),
          processes: Array.from({ length: LIMITS.processes + 1 }, (_, pid) => ({
            pid,
            ppid: 0,
            command: "",
            user: "",
            exe: "",
          })),
        },
      ],
      [
        "delta upsert of the wrong shape",
        { seq: 2, kind: "delta", baseSeq: 1, at: new Date().toISOString(), processes: { upsert: [{ pid: "one" }] } },
      ],
      ["delta section as a list", { seq: 2, kind: "delta", baseSeq: 1, at: new Date().toISOString(), processes: [] }],
    ];
    for (const [what, report] of bad) expect(valid(report), what).toBe(false);
  });
});
