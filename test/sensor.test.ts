// The sensor end to end on this machine: the built console (HTTPS, its certificate pinned by fingerprint), the
// real sensor reading this host's /proc, two real processes talking over loopback, then two talking across
// network namespaces the test made (a veth pair). Then the console goes away
// (kill -9, down for a minute) and comes back: what the sensor reported meanwhile arrives, in order.
import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sensor } from "../packages/sensor/src/index.js";
import { startNetnsPair } from "./fixtures/netns-pair.js";
import { type Harness, startHarness, waitFor } from "./fixtures/sensor-harness.js";

/** A TCP server on 127.0.0.1 (prints its port) and a client that connects to it and stays connected. */
function serverAndClient(): Promise<{ server: ChildProcess; client: ChildProcess; port: number }> {
  const server = spawn(
    process.execPath,
    ["-e", "const s=require('net').createServer(()=>{}).listen(0,'127.0.0.1',()=>console.log(s.address().port))"],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the server did not start")), 10_000);
    server.stdout?.once("data", (d: Buffer) => {
      clearTimeout(timer);
      const port = Number(d.toString().trim());
      const client = spawn(
        process.execPath,
        ["-e", `require('net').connect(${port},'127.0.0.1');setInterval(()=>{},1e6)`],
        { stdio: "ignore" },
      );
      resolve({ server, client, port });
    });
  });
}

describe("the sensor on this host", () => {
  let h: Harness;
  let sensor: Sensor;
  let pair: Awaited<ReturnType<typeof serverAndClient>>;
  const nodeOf = async () => {
    const id = sensor.nodeId;
    if (!id) return undefined;
    const r = await h.admin.call("GET", `/topology/nodes/${id}`);
    return r.status === 200 ? r.body : undefined;
  };

  beforeAll(async () => {
    h = await startHarness();
    pair = await serverAndClient();
  });
  afterAll(async () => {
    pair?.server.kill("SIGKILL");
    pair?.client.kill("SIGKILL");
    await h?.close();
  });

  it("reports the host, its processes and a connection between two of them; the topology API shows the same", async () => {
    sensor = h.sensor();
    sensor.start();
    const { server, client, port } = pair;
    const seen = await waitFor("both processes and their connection in the console", async () => {
      const n = await nodeOf();
      const conns = n?.snapshot.connections ?? [];
      const ok =
        n?.snapshot.listening.some((l: { port: number; pid?: number }) => l.port === port && l.pid === server.pid) &&
        conns.some((c: { remote: { port: number }; pid?: number }) => c.remote.port === port && c.pid === client.pid);
      return ok ? n : undefined;
    });
    const host = seen.snapshot.host;
    expect(host.hostname).toBeTruthy();
    expect(host.kernel).toMatch(/^\d+\.\d+/);
    expect(host.interfaces.some((i: { addresses: string[] }) => i.addresses.includes("127.0.0.1"))).toBe(true);
    const pids = seen.snapshot.processes.map((p: { pid: number }) => p.pid);
    expect(pids).toEqual(expect.arrayContaining([process.pid, server.pid, client.pid]));
    // What the server process maps: its executable and the C library, for "is the vulnerable package loaded".
    const inUse = seen.snapshot.inUse.find((u: { pid: number }) => u.pid === server.pid);
    expect(inUse.files).toContain(process.execPath);
    expect(inUse.files.some((f: string) => /\/libc[.-]/.test(f))).toBe(true);
    expect(seen.node.status).toBe("online");

    // The graph draws the connection as an edge from the client process to the server process.
    const graph = (await h.admin.call("GET", `/topology/graph?nodeId=${sensor.nodeId}&processes=connected`)).body;
    const from = `process:${sensor.nodeId}:${client.pid}`;
    const to = `process:${sensor.nodeId}:${server.pid}`;
    expect(graph.edges).toContainEqual(expect.objectContaining({ from, to, kind: "connection", port }));
  });

  it("draws a connection between two network namespaces as an edge between their two processes", async () => {
    const pair = await startNetnsPair("e2e", (process.pid % 120) + 121);
    try {
      const from = `process:${sensor.nodeId}:${pair.clientPid}`;
      const to = `process:${sensor.nodeId}:${pair.serverPid}`;
      const edge = await waitFor("the edge between the namespaces' processes", async () => {
        const g = (await h.admin.call("GET", `/topology/graph?nodeId=${sensor.nodeId}&processes=connected`)).body;
        return g.edges.find((e: { from: string; to: string }) => e.from === from && e.to === to);
      });
      expect(edge).toMatchObject({ kind: "connection", proto: "tcp", port: pair.port });
    } finally {
      await pair.stop();
    }
  });

  it("loses nothing when the console is killed, or unreachable for a minute: buffered reports arrive after", async () => {
    const synced = () =>
      waitFor(
        "the console to hold every report the sensor made",
        async () => {
          const n = await nodeOf();
          return n && sensor.pending === 0 && n.node.lastSeq === sensor.lastSeq ? n : undefined;
        },
        60_000,
      );
    await synced();
    const fullBefore = sensor.stats.fullReports;

    // kill -9 and straight back.
    await h.restartConsole({ kill9: true });
    await synced();

    // A minute away: the sensor keeps discovering (one report a second) into its outbox.
    await h.console.stop();
    const seqAtOutage = sensor.lastSeq;
    const during = spawn("sleep", ["600"], { stdio: "ignore" });
    try {
      await waitFor("the sensor to buffer reports", async () => (sensor.pending >= 3 ? true : undefined), 30_000);
      await new Promise((r) => setTimeout(r, 60_000));
      const buffered = sensor.pending;
      expect(buffered).toBeGreaterThan(0);
      expect(sensor.lastSeq).toBeGreaterThan(seqAtOutage);
      await h.restartConsole();
      const n = await synced();
      // Every buffered delta applied in order on top of the last: no full report was needed to recover.
      expect(sensor.stats.fullReports).toBe(fullBefore);
      expect(n.snapshot.processes.some((p: { pid: number }) => p.pid === during.pid)).toBe(true);
    } finally {
      during.kill("SIGKILL");
    }
  }, 240_000);
});
