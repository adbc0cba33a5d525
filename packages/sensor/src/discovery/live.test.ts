import { itemKey, type Section } from "@rampart/console/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Discovered } from "./discoverer.js";
import { hostDiscoverer } from "./host.js";
import { inUseDiscoverer } from "./in-use.js";
import { processDiscoverer, sharedProcesses } from "./processes.js";
import { socketDiscoverer } from "./sockets.js";
import { type Child, child, liveContext, reportErrors } from "./test-support.js";

/*
 * The discoverers on this machine's real /proc: a Python server listening on 127.0.0.1 (an ephemeral port)
 * and a client connected to it, both found with their pids.
 */
const SERVER = `
import os, socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
print(os.getpid(), s.getsockname()[1], os.path.realpath(sys.executable), flush=True)
c, peer = s.accept()
print("accepted", peer[1], flush=True)
time.sleep(120)
`;
const CLIENT = `
import os, socket, sys, time
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
print(os.getpid(), c.getsockname()[1], flush=True)
time.sleep(120)
`;

describe("discovery on this machine", () => {
  let server: Child;
  let client: Child;
  let serverPid = 0;
  let port = 0;
  let exe = "";
  let clientPid = 0;
  let clientPort = 0;

  beforeAll(async () => {
    server = child("python3", ["-c", SERVER]);
    [serverPid, port, exe] = (await server.line()).split(" ").map((v, i) => (i < 2 ? Number(v) : v)) as [
      number,
      number,
      string,
    ];
    client = child("python3", ["-c", CLIENT, String(port)]);
    [clientPid, clientPort] = (await client.line()).split(" ").map(Number) as [number, number];
    expect(await server.line()).toBe(`accepted ${clientPort}`);
  });
  afterAll(async () => {
    await Promise.all([server?.kill(), client?.kill()]);
  });

  it("finds the server, the client, their sockets and the server's files", async () => {
    const ctx = liveContext();
    const processes = sharedProcesses();
    const discoverers = [
      hostDiscoverer({ cloudMetadata: false }),
      processDiscoverer({ processes }),
      socketDiscoverer({ processes }),
      inUseDiscoverer({ processes }),
    ];
    const started = performance.now();
    const parts = await Promise.all(discoverers.map((d) => d.discover(ctx)));
    const ms = performance.now() - started;
    const found: Discovered = Object.assign({}, ...parts);

    expect(found.processes).toContainEqual(expect.objectContaining({ pid: serverPid, exe, ppid: process.pid }));
    expect(found.processes?.find((p) => p.pid === serverPid)?.command).toContain("import os, socket, sys, time");
    expect(found.processes).toContainEqual(expect.objectContaining({ pid: clientPid, exe }));

    expect(found.listening).toContainEqual({ proto: "tcp", address: "127.0.0.1", port, pid: serverPid });
    const local = (a: number) => ({ address: "127.0.0.1", port: a });
    expect(found.connections).toContainEqual({
      proto: "tcp",
      local: local(port),
      remote: local(clientPort),
      pid: serverPid,
    });
    expect(found.connections).toContainEqual({
      proto: "tcp",
      local: local(clientPort),
      remote: local(port),
      pid: clientPid,
    });

    const files = found.inUse?.find((i) => i.pid === serverPid)?.files ?? [];
    expect(files[0]).toBe(exe);
    expect(files.some((f) => /\/libc\.so\.6$/.test(f))).toBe(true);

    // What the console would accept, one item per key.
    expect(reportErrors(found)).toEqual([]);
    for (const section of ["processes", "listening", "connections", "inUse"] as Section[]) {
      const keys = (found[section] ?? []).map((i) => itemKey(section, i as never));
      expect(new Set(keys).size, section).toBe(keys.length);
    }
    expect(ctx.warnings).toEqual([]);
    console.log(
      `one pass: ${ms.toFixed(0)} ms — ${found.processes?.length} processes, ${found.listening?.length} listening, ` +
        `${found.connections?.length} connections, ${found.inUse?.length} in use (` +
        `${found.inUse?.reduce((n, i) => n + i.files.length, 0)} files)`,
    );
  });

  it("reads /proc once per pass with a shared process source", async () => {
    let reads = 0;
    const processes = sharedProcesses(async () => {
      reads++;
      return [];
    });
    const ctx = liveContext();
    await Promise.all([processDiscoverer({ processes }), socketDiscoverer({ processes })].map((d) => d.discover(ctx)));
    expect(reads).toBe(1);
    await processDiscoverer({ processes }).discover(liveContext());
    expect(reads).toBe(2);
  });
});
