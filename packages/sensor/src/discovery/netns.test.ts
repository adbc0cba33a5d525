import { readlinkSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NetnsPair, startNetnsPair } from "../../../../test/fixtures/netns-pair.js";
import type { Discovered } from "./discoverer.js";
import { hostDiscoverer } from "./host.js";
import { processDiscoverer, readProcesses, sharedProcesses } from "./processes.js";
import { socketDiscoverer } from "./sockets.js";
import { liveContext, reportErrors } from "./test-support.js";

// Discovery, run on the host's /proc from the host's namespace, must see both ends of a connection between
// two other namespaces, each with its own pid.
describe("discovery across network namespaces", () => {
  let pair: NetnsPair;
  let SERVER_IP: string;
  let CLIENT_IP: string;
  let serverPid: number;
  let port: number;
  let clientPid: number;
  let clientPort: number;

  beforeAll(async () => {
    pair = await startNetnsPair("discovery", (process.pid % 120) + 1);
    ({ serverIp: SERVER_IP, clientIp: CLIENT_IP, serverPid, port, clientPid, clientPort } = pair);
  }, 60_000);

  afterAll(async () => {
    await pair?.stop();
  });

  it("sees both ends of one connection, each with its process", async () => {
    const ctx = liveContext();
    const processes = sharedProcesses();
    const parts = await Promise.all(
      [processDiscoverer({ processes }), socketDiscoverer({ processes })].map((d) => d.discover(ctx)),
    );
    const found: Discovered = Object.assign({}, ...parts);

    // The two processes live in two namespaces, neither the host's.
    const all = await processes(ctx);
    const netns = (pid: number) => all.find((p) => p.pid === pid)?.netns;
    const own = readlinkSync("/proc/self/ns/net");
    expect(netns(serverPid)).toMatch(/^net:\[\d+\]$/);
    expect(netns(clientPid)).toMatch(/^net:\[\d+\]$/);
    expect(new Set([own, netns(serverPid), netns(clientPid)]).size).toBe(3);

    expect(found.listening).toContainEqual({ proto: "tcp", address: SERVER_IP, port, pid: serverPid });
    expect(found.connections).toContainEqual({
      proto: "tcp",
      local: { address: SERVER_IP, port },
      remote: { address: CLIENT_IP, port: clientPort },
      pid: serverPid,
    });
    expect(found.connections).toContainEqual({
      proto: "tcp",
      local: { address: CLIENT_IP, port: clientPort },
      remote: { address: SERVER_IP, port },
      pid: clientPid,
    });
    // Each end once: read once per namespace.
    const ends = found.connections?.filter((c) => c.local.port === port || c.remote.port === port) ?? [];
    expect(ends).toHaveLength(2);
    expect(ctx.warnings).toEqual([]);
    expect(
      reportErrors({ ...found, host: (await hostDiscoverer({ cloudMetadata: false }).discover(ctx)).host }),
    ).toEqual([]);
  });

  it("keeps the namespaces' addresses out of the host's interfaces", async () => {
    const { host } = await hostDiscoverer({ cloudMetadata: false }).discover(liveContext());
    const addresses = host?.interfaces.flatMap((i) => i.addresses) ?? [];
    expect(addresses).toContain("127.0.0.1");
    expect(addresses).not.toContain(SERVER_IP);
    expect(addresses).not.toContain(CLIENT_IP);
  });

  it("finds the processes even when asked for them alone", async () => {
    const pids = (await readProcesses(liveContext())).map((p) => p.pid);
    expect(pids).toEqual(expect.arrayContaining([serverPid, clientPid]));
  });
});
