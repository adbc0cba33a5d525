import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CONTAINERS_PER_HOST, generateEstate, NODES_PER_HOST } from "../../../../bench/ui-topology-estate.js";
import { openStore, type Store } from "../store/open.js";
import { ENGINES, type TestStore, testStore } from "../store/test-support.js";
import type { Graph } from "./graph.js";
import { foldGraph, loadGraphView } from "./graph-view.js";
import type { Report } from "./report.js";
import { SensorService } from "./service.js";
import { sensorKey } from "./test-support.js";

/** Two hosts: a (a container with two processes) and b (one process on the host), three connections. */
const graph: Graph = {
  nodes: [
    { id: "host:a", kind: "host", label: "a", parent: null, nodeId: "a", attributes: { status: "online" } },
    { id: "host:b", kind: "host", label: "b", parent: null, nodeId: "b", attributes: { status: "offline" } },
    { id: "container:a:c", kind: "container", label: "web", parent: "host:a", nodeId: "a", attributes: {} },
    { id: "process:a:1", kind: "process", label: "nginx", parent: "container:a:c", nodeId: "a", attributes: {} },
    { id: "process:a:2", kind: "process", label: "worker", parent: "container:a:c", nodeId: "a", attributes: {} },
    { id: "process:b:9", kind: "process", label: "postgres", parent: "host:b", nodeId: "b", attributes: {} },
    { id: "service:s", kind: "service", label: "shop/db", parent: null, nodeId: null, attributes: {} },
  ],
  edges: [
    { from: "process:a:1", to: "process:b:9", kind: "connection", proto: "tcp", port: 5432, count: 2 },
    { from: "process:a:2", to: "process:b:9", kind: "connection", proto: "tcp", port: 6432, count: 1 },
    { from: "process:a:1", to: "process:a:2", kind: "connection", proto: "tcp", port: 9000, count: 1 },
    { from: "process:a:2", to: "service:s", kind: "connection", proto: "tcp", port: 80, count: 4 },
  ],
  unresolved: 3,
};
const ids = (v: { nodes: { id: string }[] }) => v.nodes.map((n) => n.id).sort();
const lines = (v: { edges: { from: string; to: string; port: number | null; count: number }[] }) =>
  v.edges.map((e) => `${e.from} -> ${e.to} :${e.port} x${e.count}`).sort();

describe("a view of the graph", () => {
  it("folds everything below the hosts into them at the hosts level, merging edges and summing counts", () => {
    const v = foldGraph(graph, { level: "hosts" });
    expect(ids(v)).toEqual(["host:a", "host:b", "service:s"]);
    // Two ports folded into one edge: the port is no longer one; the edge inside host a disappears.
    expect(lines(v)).toEqual(["host:a -> host:b :null x3", "host:a -> service:s :80 x4"]);
    expect(v.nodes.find((n) => n.id === "host:a")).toEqual({
      id: "host:a",
      kind: "host",
      label: "a",
      parent: null,
      nodeId: "a",
      folded: 3,
      offline: false,
    });
    expect(v.nodes.find((n) => n.id === "host:b")).toMatchObject({ folded: 1, offline: true });
    expect(v).toMatchObject({ unresolved: 3, truncated: false });
  });

  it("draws an expanded host's containers, a selected node's processes, and every level in full", () => {
    const expanded = foldGraph(graph, { level: "hosts", expand: ["a"] });
    expect(ids(expanded)).toEqual(["container:a:c", "host:a", "host:b", "service:s"]);
    expect(lines(expanded)).toEqual(["container:a:c -> host:b :null x3", "container:a:c -> service:s :80 x4"]);
    expect(expanded.nodes.find((n) => n.id === "container:a:c")).toMatchObject({ parent: "host:a", folded: 2 });

    const selected = foldGraph(graph, { level: "hosts", select: ["b"] });
    expect(ids(selected)).toEqual(["host:a", "host:b", "process:b:9", "service:s"]);
    expect(lines(selected)).toEqual(["host:a -> process:b:9 :null x3", "host:a -> service:s :80 x4"]);

    const all = foldGraph(graph, { level: "processes" });
    expect(ids(all)).toEqual(ids(graph));
    expect(lines(all)).toEqual(lines(graph));
    expect(all.nodes.find((n) => n.id === "process:a:1")?.parent).toBe("container:a:c");
  });

  it("stays within the limit: the deepest nodes are folded first, then the least used edges dropped", () => {
    const v = foldGraph(graph, { level: "processes", limit: 4 });
    expect(v.truncated).toBe(true);
    // Hosts and the service first, then the container; the processes fold into it.
    expect(ids(v)).toEqual(["container:a:c", "host:a", "host:b", "service:s"]);
    expect(lines(v)).toEqual(["container:a:c -> host:b :null x3", "container:a:c -> service:s :80 x4"]);
    const fewer = foldGraph(graph, { level: "processes", limit: 1 });
    expect(fewer.nodes).toHaveLength(1);
    expect(lines(fewer)).toEqual([]);
    // Edges: at most twice the limit, the most used kept.
    const two = foldGraph(graph, { level: "processes", limit: 1 });
    expect(two.edges.length).toBeLessThanOrEqual(2);
  });
});

describe.each(ENGINES)("views of a generated estate stored on %s", (engine) => {
  let t: TestStore;
  let store: Store;
  beforeEach(async () => {
    t = await testStore(engine);
    store = await openStore(t.config);
  });
  afterEach(async () => {
    await store.close();
    await t.drop();
  });

  it("answers each level with what it draws, from the sensors' reports", async () => {
    const HOSTS = 4;
    const EDGES = 60;
    const sensors = new SensorService(store);
    const key = await sensorKey(store);
    const nodeOf = new Map<string, string>();
    const estate = generateEstate(HOSTS, EDGES, 3);
    for (const h of estate) {
      const { node } = await sensors.register(key, { machineId: h.machineId, hostname: h.hostname, agentVersion: "t" });
      await sensors.report(node.id, { seq: 1, ...h.report } as Report);
      nodeOf.set(h.address, node.id);
    }
    // What the hosts level must show, computed from the reports: connections between two hosts, per pair.
    const hostOf = (address: string) => nodeOf.get(address.replace(/\.\d+$/, ".1")) as string;
    const pairs = new Map<string, number>();
    for (const h of estate)
      for (const c of h.report.connections) {
        const [from, to] = [hostOf(c.local.address), hostOf(c.remote.address)];
        if (from !== to) pairs.set(`host:${from} -> host:${to}`, (pairs.get(`host:${from} -> host:${to}`) ?? 0) + 1);
      }

    const hosts = await loadGraphView(store, { level: "hosts", processes: "connected" });
    expect(hosts.nodes).toHaveLength(HOSTS);
    expect(hosts.nodes.every((n) => n.kind === "host" && n.folded === CONTAINERS_PER_HOST)).toBe(true);
    expect(hosts.edges.map((e) => `${e.from} -> ${e.to}`).sort()).toEqual([...pairs.keys()].sort());
    for (const e of hosts.edges) expect(e.count).toBe(pairs.get(`${e.from} -> ${e.to}`));

    const all = await loadGraphView(store, { level: "processes", processes: "connected" });
    expect(all.nodes).toHaveLength(HOSTS * NODES_PER_HOST);
    expect(all.edges).toHaveLength(EDGES);
    expect(all.edges.every((e) => e.from.startsWith("process:") && e.to.startsWith("process:"))).toBe(true);

    const first = nodeOf.get(estate[0]?.address as string) as string;
    const one = await loadGraphView(store, { level: "hosts", processes: "connected", select: [first] });
    const kinds = (nodeId: string) => [...new Set(one.nodes.filter((n) => n.nodeId === nodeId).map((n) => n.kind))];
    expect(kinds(first).sort()).toEqual(["container", "host", "process"]);
    expect(one.nodes.filter((n) => n.nodeId === first)).toHaveLength(NODES_PER_HOST);
    expect(kinds(nodeOf.get(estate[1]?.address as string) as string)).toEqual(["host"]);

    const capped = await loadGraphView(store, { level: "processes", processes: "connected", limit: 10 });
    expect(capped.truncated).toBe(true);
    expect(capped.nodes.length).toBeLessThanOrEqual(10);
    expect(capped.edges.length).toBeLessThanOrEqual(20);

    // The resolved graph is reused only while nothing changed: a new report from the first host (its
    // connections gone) shows at once.
    expect(await loadGraphView(store, { level: "hosts", processes: "connected" })).toEqual(hosts);
    const h0 = estate[0] as (typeof estate)[number];
    await sensors.report(first, { seq: 2, ...h0.report, connections: [] } as Report);
    const after = await loadGraphView(store, { level: "hosts", processes: "connected" });
    expect(after.edges.some((e) => e.from === `host:${first}`)).toBe(false);
    expect(after.edges.length).toBeLessThan(hosts.edges.length);
  });
});
