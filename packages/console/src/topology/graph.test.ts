import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "../store/open.js";
import { ENGINES, type TestStore, testStore } from "../store/test-support.js";
import { buildGraph, type Graph, loadGraph, type NodeTopology } from "./graph.js";
import type { ConnectionItem } from "./report.js";
import { SensorService } from "./service.js";
import { host, sensorKey } from "./test-support.js";

const node = (nodeId: string, addresses: string[], more: Partial<NodeTopology> = {}): NodeTopology => ({
  nodeId,
  hostname: nodeId,
  status: "online",
  lastSeenAt: "2024-01-01T00:00:00.000Z",
  host: host(nodeId, addresses),
  processes: [],
  listening: [],
  connections: [],
  containers: [],
  pods: [],
  services: [],
  ingresses: [],
  ...more,
});
const tcp = (local: string, remote: string, pid?: number, containerId?: string): ConnectionItem => {
  const [la, lp] = split(local);
  const [ra, rp] = split(remote);
  return {
    proto: "tcp",
    local: { address: la, port: lp },
    remote: { address: ra, port: rp },
    ...(pid ? { pid } : {}),
    ...(containerId ? { containerId } : {}),
  };
};
function split(ep: string): [string, number] {
  const i = ep.lastIndexOf(":");
  return [ep.slice(0, i).replace(/^\[|\]$/g, ""), Number(ep.slice(i + 1))];
}
const proc = (pid: number, exe: string, containerId?: string) => ({
  pid,
  ppid: 1,
  command: exe,
  user: "root",
  exe,
  ...(containerId ? { containerId } : {}),
});
const connections = (g: Graph) =>
  g.edges.filter((e) => e.kind === "connection").map((e) => `${e.from} -> ${e.to} :${e.port} x${e.count}`);

describe("the topology graph", () => {
  const web = node("web", ["10.0.0.1"], {
    processes: [proc(10, "/usr/bin/curl"), proc(11, "/usr/bin/psql")],
    connections: [
      tcp("10.0.0.1:40000", "10.0.0.2:5432", 11),
      tcp("10.0.0.1:40001", "10.0.0.2:5432", 11),
      tcp("10.0.0.1:40100", "93.184.216.34:443", 10),
    ],
  });
  const db = node("db", ["10.0.0.2", "fe80::1"], {
    processes: [proc(20, "/usr/lib/postgresql/15/bin/postgres")],
    listening: [{ proto: "tcp", address: "0.0.0.0", port: 5432, pid: 20 }],
  });

  it("joins a client to the listening process on the host that owns the address, and counts what it cannot resolve", () => {
    const g = buildGraph([web, db], { processes: "connected" });
    expect(connections(g)).toEqual(["process:web:11 -> process:db:20 :5432 x2"]);
    expect(g.unresolved).toBe(1);
    const psql = g.nodes.find((n) => n.id === "process:web:11");
    expect(psql).toMatchObject({ kind: "process", label: "psql", parent: "host:web", nodeId: "web" });
    expect(g.nodes.find((n) => n.id === "host:db")).toMatchObject({
      kind: "host",
      label: "db",
      attributes: { status: "online" },
    });
    // curl took part in nothing resolved: not shown unless asked for all processes.
    expect(g.nodes.some((n) => n.id === "process:web:10")).toBe(false);
    expect(buildGraph([web, db], { processes: "all" }).nodes.some((n) => n.id === "process:web:10")).toBe(true);
    expect(connections(buildGraph([web, db], { processes: "none" }))).toEqual(["host:web -> host:db :5432 x2"]);
  });

  it("draws a connection reported by both ends once, from client to server", () => {
    const server = { ...db, connections: [tcp("10.0.0.2:5432", "10.0.0.1:40000", 20)] };
    const client = { ...web, connections: [tcp("10.0.0.1:40000", "10.0.0.2:5432", 11)] };
    expect(connections(buildGraph([client, server], { processes: "connected" }))).toEqual([
      "process:web:11 -> process:db:20 :5432 x1",
    ]);
    expect(connections(buildGraph([server, client], { processes: "connected" }))).toEqual([
      "process:web:11 -> process:db:20 :5432 x1",
    ]);
  });

  it("pairs the two ends of a connection between network namespaces nobody announced (a veth pair)", () => {
    // Both ends on one host, addresses not among its interfaces, and the server listens on the wildcard.
    const h = node("h", ["192.168.1.5"], {
      processes: [proc(100, "/usr/bin/python3"), proc(200, "/usr/bin/curl")],
      listening: [{ proto: "tcp", address: "0.0.0.0", port: 8000, pid: 100 }],
      connections: [tcp("10.200.0.2:8000", "10.200.0.1:51000", 100), tcp("10.200.0.1:51000", "10.200.0.2:8000", 200)],
    });
    expect(connections(buildGraph([h], { processes: "connected" }))).toEqual([
      "process:h:200 -> process:h:100 :8000 x1",
    ]);
  });

  it("finds the server in the right container when several listen on the same port, and prefers the local copy of a private address", () => {
    const containers = [
      {
        id: "aaa",
        name: "api",
        image: "api:1",
        imageId: "sha256:1",
        state: "running",
        pids: [300],
        addresses: ["10.88.0.2"],
      },
      {
        id: "bbb",
        name: "client",
        image: "client:1",
        imageId: "sha256:2",
        state: "running",
        pids: [400],
        addresses: ["10.88.0.3"],
      },
      {
        id: "ccc",
        name: "other",
        image: "other:1",
        imageId: "sha256:3",
        state: "running",
        pids: [500],
        addresses: ["10.88.0.4"],
      },
    ];
    const h1 = node("h1", ["192.168.1.10"], {
      processes: [proc(300, "/app/api", "aaa"), proc(400, "/app/client", "bbb"), proc(500, "/app/other", "ccc")],
      containers,
      listening: [
        { proto: "tcp", address: "0.0.0.0", port: 8080, pid: 500 },
        { proto: "tcp", address: "0.0.0.0", port: 8080, pid: 300 },
      ],
      connections: [tcp("10.88.0.3:45000", "10.88.0.2:8080", 400)],
    });
    // Another host uses the same private range for its own containers.
    const h2 = node("h2", ["192.168.1.11"], {
      processes: [proc(300, "/app/impostor", "zzz")],
      containers: [
        {
          id: "zzz",
          name: "impostor",
          image: "x",
          imageId: "sha256:9",
          state: "running",
          pids: [300],
          addresses: ["10.88.0.2"],
        },
      ],
      listening: [{ proto: "tcp", address: "0.0.0.0", port: 8080, pid: 300 }],
    });
    const g = buildGraph([h1, h2], { processes: "connected" });
    expect(connections(g)).toEqual(["process:h1:400 -> process:h1:300 :8080 x1"]);
    expect(g.nodes.find((n) => n.id === "process:h1:300")?.parent).toBe("container:h1:aaa");
    expect(g.nodes.find((n) => n.id === "container:h1:aaa")).toMatchObject({ label: "api", parent: "host:h1" });
    expect(connections(buildGraph([h1, h2], { processes: "none" }))).toEqual([
      "container:h1:bbb -> container:h1:aaa :8080 x1",
    ]);
    // From a third host, 10.88.0.2 is ambiguous (h1 and h2 both have it): left unresolved, not guessed.
    const h3 = node("h3", ["192.168.1.12"], {
      processes: [proc(7, "/bin/nc")],
      connections: [tcp("192.168.1.12:50000", "10.88.0.2:8080", 7)],
    });
    const g3 = buildGraph([h1, h2, h3], { processes: "connected" });
    expect(connections(g3).filter((e) => e.startsWith("process:h3"))).toEqual([]);
    expect(g3.unresolved).toBe(1);
  });

  it("resolves loopback on the same host, and compares IPv6 and IPv4-mapped addresses in canonical form", () => {
    const h = node("h", ["10.0.0.9", "2001:db8::9"], {
      processes: [proc(1, "/usr/bin/redis-server"), proc(2, "/app/worker")],
      listening: [
        { proto: "tcp", address: "127.0.0.1", port: 6379, pid: 1 },
        { proto: "tcp", address: "::", port: 443, pid: 1 },
      ],
      connections: [tcp("127.0.0.1:50000", "127.0.0.1:6379", 2)],
    });
    const v6 = node("v6", ["2001:db8::10"], {
      processes: [proc(5, "/usr/bin/curl")],
      connections: [
        tcp("[2001:db8::10]:50001", "[2001:DB8:0:0::9]:443", 5),
        tcp("[::ffff:10.0.0.10]:50002", "[::ffff:10.0.0.9]:443", 5),
      ],
    });
    expect(connections(buildGraph([h, v6], { processes: "connected" }))).toEqual([
      "process:h:2 -> process:h:1 :6379 x1",
      "process:v6:5 -> process:h:1 :443 x2",
    ]);
  });

  it("resolves Kubernetes services by cluster IP and node port, links services to the pods they select, ingresses to services", () => {
    const pod = {
      uid: "pod-1",
      namespace: "shop",
      name: "cart-7d9",
      node: "k1",
      containers: ["containerd://c1"],
      ips: ["10.244.1.5"],
      labels: { app: "cart", tier: "web" },
    };
    const svc = {
      uid: "svc-1",
      namespace: "shop",
      name: "cart",
      type: "NodePort",
      clusterIP: "10.96.0.20",
      ports: [80],
      nodePorts: [30080],
      loadBalancer: [],
      selector: { app: "cart" },
    };
    const k1 = node("k1", ["192.168.2.1"], {
      processes: [proc(600, "/cart", "c1"), proc(601, "/frontend")],
      containers: [{ id: "c1", name: "cart", image: "cart:2", imageId: "sha256:c", state: "running", pids: [600] }],
      pods: [pod],
      services: [svc],
      ingresses: [
        {
          uid: "ing-1",
          namespace: "shop",
          name: "shop",
          rules: [{ host: "shop.example", path: "/", service: "cart", port: 80 }],
        },
      ],
      listening: [{ proto: "tcp", address: "0.0.0.0", port: 8080, pid: 600 }],
      connections: [tcp("10.244.1.9:41000", "10.96.0.20:80", 601), tcp("10.244.1.9:41001", "10.244.1.5:8080", 601)],
    });
    const outside = node("outside", ["192.168.2.50"], {
      processes: [proc(9, "/usr/bin/curl")],
      connections: [tcp("192.168.2.50:52000", "192.168.2.1:30080", 9)],
    });
    const g = buildGraph([k1, outside], { processes: "connected" });
    expect(connections(g)).toEqual([
      "process:k1:601 -> process:k1:600 :8080 x1",
      "process:k1:601 -> service:svc-1 :80 x1",
      "process:outside:9 -> service:svc-1 :30080 x1",
    ]);
    expect(g.edges.filter((e) => e.kind !== "connection").map((e) => `${e.kind} ${e.from} -> ${e.to}`)).toEqual([
      "routes ingress:ing-1 -> service:svc-1",
      "selects service:svc-1 -> pod:pod-1",
    ]);
    expect(g.nodes.find((n) => n.id === "container:k1:c1")?.parent).toBe("pod:pod-1");
    expect(g.nodes.find((n) => n.id === "pod:pod-1")).toMatchObject({ parent: "host:k1", label: "shop/cart-7d9" });
  });

  it("narrows to chosen nodes, what they connect to, and the parents of both", () => {
    const other = node("other", ["10.0.0.3"], {
      processes: [proc(1, "/bin/sshd")],
      listening: [{ proto: "tcp", address: "0.0.0.0", port: 22, pid: 1 }],
    });
    const g = buildGraph([web, db, other], { processes: "connected", focus: ["web"] });
    expect(g.nodes.map((n) => n.id)).toEqual(["host:db", "host:web", "process:db:20", "process:web:11"]);
    expect(connections(g)).toEqual(["process:web:11 -> process:db:20 :5432 x2"]);
  });
});

describe.each(ENGINES)("the topology graph from stored reports on %s", (engine) => {
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

  it("resolves connections between nodes as reported, deltas included", async () => {
    const sensors = new SensorService(store);
    const key = await sensorKey(store);
    const a = (await sensors.register(key, { machineId: "a", hostname: "a", agentVersion: "1" })).node.id;
    const b = (await sensors.register(key, { machineId: "b", hostname: "b", agentVersion: "1" })).node.id;
    const at = new Date().toISOString();
    await sensors.report(a, {
      seq: 1,
      kind: "full",
      at,
      host: host("a", ["10.1.0.1"]),
      processes: [proc(5, "/app/client")],
    });
    await sensors.report(b, {
      seq: 1,
      kind: "full",
      at,
      host: host("b", ["10.1.0.2"]),
      processes: [proc(6, "/app/server")],
      listening: [{ proto: "tcp", address: "10.1.0.2", port: 9000, pid: 6 }],
    });
    expect(connections(await loadGraph(store, { processes: "connected" }))).toEqual([]);
    await sensors.report(a, {
      seq: 2,
      kind: "delta",
      baseSeq: 1,
      at,
      connections: { upsert: [tcp("10.1.0.1:33000", "10.1.0.2:9000", 5)] },
    });
    const g = await loadGraph(store, { processes: "connected" });
    expect(connections(g)).toEqual([`process:${a}:5 -> process:${b}:6 :9000 x1`]);
    expect(g.nodes.find((n) => n.id === `process:${b}:6`)?.label).toBe("server");
    expect(connections(await loadGraph(store, { processes: "none", status: "offline" }))).toEqual([]);
  });
});
