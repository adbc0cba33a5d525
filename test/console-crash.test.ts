import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import type { StoreConfig } from "../packages/console/src/store/open.js";
import { openStore } from "../packages/console/src/store/open.js";
import { type TestStore, testStore } from "../packages/console/src/store/test-support.js";
import { ConsoleClient, type ConsoleProcess, startConsole } from "./fixtures/console-process.js";
import { SimulatedSensor } from "./fixtures/sensor-sim.js";
import { vulnDbDir } from "./fixtures/vulndb.js";

/**
 * kill -9 of the console in the middle of a burst of sensor uploads and reports: after a restart, every
 * upload and report the console acknowledged is there, and no scan is left running.
 */
const SENSORS = 8;
const BURST_MS = 2_000;

describe.each(["sqlite", "postgres"] as const)("the console killed mid-burst (%s)", (engine) => {
  const dataDir = mkdtempSync(join(tmpdir(), "rampart-crash-"));
  let pg: TestStore | undefined;
  let proc: ConsoleProcess | undefined;
  const clients: ConsoleClient[] = [];
  afterAll(async () => {
    for (const c of clients) c.close();
    await proc?.stop();
    await pg?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("keeps every acknowledged upload and report, and leaves no scan running", async () => {
    if (engine === "postgres") pg = await testStore("postgres");
    const database = pg?.config.engine === "postgres" ? pg.config.url : undefined;
    const start = () =>
      startConsole({
        dataDir,
        dbDir: vulnDbDir(),
        ...(database ? { database } : {}),
        env: { RAMPART_JOB_LEASE_SECONDS: "2" },
      });
    proc = await start();
    const client = new ConsoleClient(proc.url, dataDir, 64);
    clients.push(client);
    const reg = await client.call("POST", "/auth/register", {
      email: "admin@example.test",
      password: "correct horse battery staple",
    });
    client.token = reg.body.accessToken;
    const key = (await client.call("POST", "/api-keys", { name: "fleet", scope: "sensor" })).body.key as string;
    const sensors = Array.from(
      { length: SENSORS },
      (_, i) => new SimulatedSensor(client, `host-${i}`, undefined, `10.9.0.${i + 1}`),
    );
    const scans = new Map<SimulatedSensor, string>();
    for (const s of sensors) {
      expect((await s.register(key)).status).toBe(200);
      expect((await s.full()).status).toBe(200);
      const scan = await client.call("POST", "/scans/node", { nodeId: s.nodeId, target: { kind: "host" } });
      expect(scan.status).toBe(202);
      scans.set(s, scan.body.id);
    }

    // The burst: every sensor uploads and reports as fast as the console answers, until the kill.
    const acked: { sensor: SimulatedSensor; uploadId: string; sha256: string }[] = [];
    const ackedSeq = new Map<SimulatedSensor, number>();
    let killed = false;
    const burst = sensors.map(async (s) => {
      while (!killed) {
        const uploadId = randomUUID();
        try {
          const up = await s.upload(uploadId, {
            scanId: scans.get(s),
            kind: "secrets",
            content: { findings: [], warnings: [] },
          });
          if (up.status === 200) acked.push({ sensor: s, uploadId, sha256: up.body.sha256 });
          const seq = s.seq + 1;
          const rep = await s.delta();
          if (rep.status === 200) ackedSeq.set(s, seq);
          else s.seq = seq - 1;
        } catch {
          // The connection died with the console: not acknowledged, nothing to check.
        }
      }
    });
    await sleep(BURST_MS);
    await proc.kill9();
    killed = true;
    await Promise.all(burst);
    expect(acked.length).toBeGreaterThan(50);

    // Restart on the same store: every acknowledged upload is there, with the content it was acknowledged for.
    proc = await start();
    const store = await openStore(
      pg ? (pg.config as StoreConfig) : { engine: "sqlite", path: join(dataDir, "console.db") },
    );
    try {
      const rows = await store.db.selectFrom("sensor_uploads").select(["node_id", "upload_id", "sha256"]).execute();
      const stored = new Map(rows.map((r) => [`${r.node_id}/${r.upload_id}`, r.sha256]));
      const missing = acked.filter((a) => stored.get(`${a.sensor.nodeId}/${a.uploadId}`) !== a.sha256);
      expect(missing).toEqual([]);
      for (const [s, seq] of ackedSeq) {
        const node = await store.db
          .selectFrom("nodes")
          .select("last_seq")
          .where("id", "=", s.nodeId)
          .executeTakeFirstOrThrow();
        expect(Number(node.last_seq), s.hostname).toBeGreaterThanOrEqual(seq);
      }
    } finally {
      await store.close();
    }

    // The sensors come back and finish their scans; whatever the killed console was running is taken back
    // (lease 2 s) and ends: none stays running.
    const after = new ConsoleClient(proc.url, dataDir);
    clients.push(after);
    after.token = (
      await after.call("POST", "/auth/login", { email: "admin@example.test", password: "correct horse battery staple" })
    ).body.accessToken;
    for (const s of sensors) {
      Object.assign(s, { client: after });
      expect((await s.register(key)).status).toBe(200);
      expect((await s.upload(randomUUID(), { scanId: scans.get(s), kind: "done", content: {} })).status).toBe(200);
    }
    const end = Date.now() + 60_000;
    let states: string[] = [];
    while (Date.now() < end) {
      const list = await after.call("GET", "/scans?limit=100");
      states = list.body.scans.map((x: { state: string }) => x.state);
      if (states.length === SENSORS && states.every((st) => st === "complete" || st === "failed")) break;
      await sleep(250);
    }
    expect(states).toHaveLength(SENSORS);
    expect(states.filter((st) => st === "running" || st === "queued")).toEqual([]);
  });
});
