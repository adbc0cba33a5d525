import type { Store } from "../store/open.js";
import type {
  ConnectionItem,
  ContainerItem,
  HostInfo,
  IngressItem,
  ListeningItem,
  PodItem,
  ProcessItem,
  Section,
  ServiceItem,
} from "./report.js";
import type { NodeStatus } from "./tables.js";

/** What the graph needs of one node. */
export interface NodeTopology {
  nodeId: string;
  hostname: string;
  status: NodeStatus;
  lastSeenAt: string;
  host: HostInfo | null;
  processes: ProcessItem[];
  listening: ListeningItem[];
  connections: ConnectionItem[];
  containers: ContainerItem[];
  pods: PodItem[];
  services: ServiceItem[];
  ingresses: IngressItem[];
}

export type GraphNodeKind = "host" | "container" | "process" | "pod" | "service" | "ingress";

export interface GraphNode {
  /** "host:<node>", "container:<node>:<id>", "process:<node>:<pid>", "pod:<uid>", "service:<uid>", "ingress:<uid>". */
  id: string;
  kind: GraphNodeKind;
  label: string;
  /** The graph node it runs in (process → container or host, container → pod or host, pod → host). */
  parent: string | null;
  /** The registered node (host) it belongs to; null for cluster-wide services and ingresses. */
  nodeId: string | null;
  attributes: Record<string, string | number | null>;
}

export interface GraphEdge {
  from: string;
  to: string;
  /** connection: client → server; selects: service → pod; routes: ingress → service. */
  kind: "connection" | "selects" | "routes";
  proto: "tcp" | "udp" | null;
  /** The server's port. */
  port: number | null;
  /** Connections folded into this edge. */
  count: number;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Outgoing connections whose other end is not a known node, container, pod or service. */
  unresolved: number;
}

export interface GraphOptions {
  /** connected: processes with a connection or a listening socket; all; none: connections end on containers and hosts. */
  processes: "connected" | "all" | "none";
  /** Only these nodes and what they connect to (default: everything). */
  focus?: readonly string[];
  /** Draw processes only on these nodes; elsewhere an edge ends on the container or host (default: every node). */
  processesOf?: ReadonlySet<string>;
}

/** The address as compared: lower case, no zone, IPv4-mapped IPv6 as IPv4, IPv6 in its canonical form. */
const canonical = new Map<string, string>();
function addr(a: string): string {
  const known = canonical.get(a);
  if (known !== undefined) return known;
  let s = a.toLowerCase();
  const zone = s.indexOf("%");
  if (zone >= 0) s = s.slice(0, zone);
  if (s.startsWith("::ffff:") && s.includes(".")) s = s.slice(7);
  else if (s.includes(":") && s !== "::")
    try {
      s = new URL(`http://[${s}]/`).hostname.slice(1, -1);
    } catch {
      // not an address we can canonicalize: compared as given
    }
  if (canonical.size > 100_000) canonical.clear();
  canonical.set(a, s);
  return s;
}
const isAny = (a: string) => a === "*" || a === "0.0.0.0" || a === "::";
const isLoopback = (a: string) => a.startsWith("127.") || a === "::1";
/** Runtimes prefix ids in Kubernetes ("containerd://…", "docker://…"); the engines do not. */
const cid = (id: string) => id.replace(/^[a-z0-9+.-]+:\/\//, "").toLowerCase();

interface Owner {
  nodeId: string;
  containerId?: string;
  pod?: PodItem;
}

interface Socket {
  nodeId: string;
  pid: number | undefined;
  containerId: string | undefined;
}

/**
 * The estate's topology as a graph. Connections are resolved to the process at the other end: first by the
 * other side of the same connection (reported by the peer's sensor), then by the listening socket behind the
 * remote address (which node, container or pod owns an address comes from hosts' interfaces, containers'
 * addresses and pods' IPs; loopback stays in the node), then by a Kubernetes service's cluster IP, load
 * balancer or node port, and last by the owner of the address alone. An inbound connection (its local port
 * listens) is drawn only from its client's side. Addresses private to several hosts resolve on the same host
 * first and are otherwise left unresolved rather than guessed.
 */
export function buildGraph(topologies: readonly NodeTopology[], o: GraphOptions): Graph {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  let unresolved = 0;

  const byHostname = new Map<string, string>();
  for (const t of topologies) byHostname.set(t.hostname, t.nodeId);
  const topo = new Map(topologies.map((t) => [t.nodeId, t]));

  // Per node: processes by pid, containers by id, the container of each pid, pods by container.
  const procs = new Map<string, Map<number, ProcessItem>>();
  const containers = new Map<string, Map<string, ContainerItem>>();
  const containerOfPid = new Map<string, Map<number, string>>();
  const podOfContainer = new Map<string, PodItem>();
  const pods = new Map<string, { pod: PodItem; nodeId: string }>();
  const services = new Map<string, ServiceItem>();
  const ingresses = new Map<string, IngressItem>();
  for (const t of topologies) {
    procs.set(t.nodeId, new Map(t.processes.map((p) => [p.pid, p])));
    containers.set(t.nodeId, new Map(t.containers.map((c) => [cid(c.id), c])));
    const ofPid = new Map<number, string>();
    for (const c of t.containers) for (const pid of c.pids ?? []) ofPid.set(pid, cid(c.id));
    for (const p of t.processes) if (p.containerId) ofPid.set(p.pid, cid(p.containerId));
    containerOfPid.set(t.nodeId, ofPid);
    for (const p of t.pods) {
      // The pod belongs on the node Kubernetes scheduled it to, when that node runs a sensor.
      const on = byHostname.get(p.node) ?? t.nodeId;
      if (!pods.has(p.uid) || on === t.nodeId) pods.set(p.uid, { pod: p, nodeId: on });
      for (const c of p.containers) podOfContainer.set(cid(c), p);
    }
    for (const s of t.services) services.set(s.uid, s);
    for (const i of t.ingresses) ingresses.set(i.uid, i);
  }
  const containerOf = (nodeId: string, pid: number | undefined, given: string | undefined) =>
    given ? cid(given) : pid === undefined ? undefined : containerOfPid.get(nodeId)?.get(pid);

  // Graph nodes, made on first use so that "connected" holds only what takes part.
  const hostId = (nodeId: string) => {
    const id = `host:${nodeId}`;
    const t = topo.get(nodeId);
    if (!nodes.has(id) && t)
      nodes.set(id, {
        id,
        kind: "host",
        label: t.hostname,
        parent: null,
        nodeId,
        attributes: { status: t.status, os: t.host?.os ?? null, lastSeenAt: t.lastSeenAt },
      });
    return id;
  };
  const podId = (p: PodItem) => {
    const id = `pod:${p.uid}`;
    if (!nodes.has(id)) {
      const on = pods.get(p.uid)?.nodeId ?? null;
      nodes.set(id, {
        id,
        kind: "pod",
        label: `${p.namespace}/${p.name}`,
        parent: on ? hostId(on) : null,
        nodeId: on,
        attributes: { namespace: p.namespace, name: p.name, node: p.node },
      });
    }
    return id;
  };
  const containerId = (nodeId: string, id: string) => {
    const c = containers.get(nodeId)?.get(id);
    if (!c) return undefined;
    const gid = `container:${nodeId}:${id}`;
    if (!nodes.has(gid)) {
      const pod = podOfContainer.get(id);
      nodes.set(gid, {
        id: gid,
        kind: "container",
        label: c.name || id.slice(0, 12),
        parent: pod ? podId(pod) : hostId(nodeId),
        nodeId,
        attributes: { id: c.id, image: c.image, imageId: c.imageId, state: c.state },
      });
    }
    return gid;
  };
  const processId = (nodeId: string, pid: number) => {
    const gid = `process:${nodeId}:${pid}`;
    if (!nodes.has(gid)) {
      const p = procs.get(nodeId)?.get(pid);
      const inContainer = containerOf(nodeId, pid, p?.containerId);
      const exe = p?.exe || p?.command.split(" ")[0] || "";
      nodes.set(gid, {
        id: gid,
        kind: "process",
        label: exe ? (exe.split("/").pop() ?? exe) : `pid ${pid}`,
        parent: (inContainer && containerId(nodeId, inContainer)) || hostId(nodeId),
        nodeId,
        attributes: { pid, command: p?.command ?? null, user: p?.user ?? null, exe: p?.exe ?? null },
      });
    }
    return gid;
  };
  const withProcesses = (nodeId: string) => o.processes !== "none" && (!o.processesOf || o.processesOf.has(nodeId));
  /** Where a socket's end of an edge is drawn: its process, else its container, else its host. */
  const endpoint = (s: Socket) => {
    if (s.pid !== undefined && withProcesses(s.nodeId)) return processId(s.nodeId, s.pid);
    const c = containerOf(s.nodeId, s.pid, s.containerId);
    return (c && containerId(s.nodeId, c)) || hostId(s.nodeId);
  };
  const ownerId = (w: Owner) =>
    (w.containerId && containerId(w.nodeId, w.containerId)) || (w.pod ? podId(w.pod) : hostId(w.nodeId));
  const edge = (from: string, to: string, kind: GraphEdge["kind"], proto: GraphEdge["proto"], port: number | null) => {
    if (from === to) return;
    const key = `${from}|${to}|${kind}|${proto}|${port}`;
    const e = edges.get(key);
    if (e) e.count++;
    else edges.set(key, { from, to, kind, proto, port, count: 1 });
  };

  // Who owns each address: hosts (their interfaces), containers and pods (their own addresses). A pod on the
  // host network shares the host's address: the host owns it.
  const owners = new Map<string, Owner[]>();
  const own = (a: string, w: Owner) => {
    const k = addr(a);
    if (isAny(k) || isLoopback(k)) return;
    const list = owners.get(k) ?? [];
    if (!list.some((x) => x.nodeId === w.nodeId && !x.containerId && !x.pod)) list.push(w);
    owners.set(k, list);
  };
  for (const t of topologies)
    for (const i of t.host?.interfaces ?? []) for (const a of i.addresses) own(a, { nodeId: t.nodeId });
  for (const t of topologies) {
    for (const c of t.containers)
      for (const a of c.addresses ?? []) own(a, { nodeId: t.nodeId, containerId: cid(c.id) });
  }
  for (const { pod, nodeId } of pods.values()) for (const a of pod.ips ?? []) own(a, { nodeId, pod });

  // Listening sockets by node, proto and port; connections by their four-tuple.
  const listeners = new Map<string, (ListeningItem & { nodeId: string; container: string | undefined })[]>();
  const peers = new Map<string, (ConnectionItem & { nodeId: string })[]>();
  for (const t of topologies) {
    for (const l of t.listening) {
      const k = `${t.nodeId} ${l.proto} ${l.port}`;
      const entry = { ...l, nodeId: t.nodeId, container: containerOf(t.nodeId, l.pid, l.containerId) };
      const list = listeners.get(k);
      if (list) list.push(entry);
      else listeners.set(k, [entry]);
    }
    for (const c of t.connections) {
      const k = tuple(c.proto, c.local.address, c.local.port, c.remote.address, c.remote.port);
      const list = peers.get(k);
      if (list) list.push({ ...c, nodeId: t.nodeId });
      else peers.set(k, [{ ...c, nodeId: t.nodeId }]);
    }
  }
  const listensOn = (nodeId: string, proto: string, port: number) => listeners.has(`${nodeId} ${proto} ${port}`);

  // Kubernetes services by the addresses and ports they answer on.
  const serviceAt = new Map<string, ServiceItem>();
  const serviceOnNodePort = new Map<number, ServiceItem>();
  for (const s of services.values()) {
    const ips = [...(s.clusterIP && s.clusterIP !== "None" ? [s.clusterIP] : []), ...s.loadBalancer];
    for (const ip of ips) for (const port of s.ports) serviceAt.set(`${addr(ip)} ${port}`, s);
    for (const port of s.nodePorts) serviceOnNodePort.set(port, s);
  }
  const serviceId = (s: ServiceItem) => {
    const id = `service:${s.uid}`;
    if (!nodes.has(id))
      nodes.set(id, {
        id,
        kind: "service",
        label: `${s.namespace}/${s.name}`,
        parent: null,
        nodeId: null,
        attributes: { namespace: s.namespace, name: s.name, type: s.type, clusterIP: s.clusterIP || null },
      });
    return id;
  };

  /** The owners of a remote address as seen from a node: loopback is the node itself; the node's own first. */
  const ownersOf = (nodeId: string, remote: string, from: string | undefined): Owner[] => {
    if (isLoopback(remote)) return [{ nodeId, ...(from ? { containerId: from } : {}) }];
    const all = owners.get(remote) ?? [];
    const local = all.filter((w) => w.nodeId === nodeId);
    return local.length > 0 ? local : all;
  };
  const listenerFor = (w: Owner, proto: string, remote: string, port: number) => {
    const candidates = (listeners.get(`${w.nodeId} ${proto} ${port}`) ?? []).filter(
      (l) =>
        addr(l.address) === remote || isAny(addr(l.address)) || (isLoopback(remote) && isLoopback(addr(l.address))),
    );
    const inPod = (c: string | undefined) => c !== undefined && (w.pod?.containers.some((x) => cid(x) === c) ?? false);
    const sameNetns = candidates.find((l) =>
      w.containerId ? l.container === w.containerId : w.pod ? inPod(l.container) : l.container === undefined,
    );
    return sameNetns ?? candidates.find((l) => addr(l.address) === remote);
  };

  const drawn = new Set<string>();
  for (const t of topologies) {
    for (const c of t.connections) {
      const la = addr(c.local.address);
      const ra = addr(c.remote.address);
      const from = containerOf(t.nodeId, c.pid, c.containerId);
      const self: Socket = { nodeId: t.nodeId, pid: c.pid, containerId: c.containerId };
      const inbound = listensOn(t.nodeId, c.proto, c.local.port);

      // 1. The other side of this very connection.
      const candidates = (peers.get(tuple(c.proto, ra, c.remote.port, la, c.local.port)) ?? []).filter((p) => p !== c);
      const peer =
        candidates.length === 1
          ? candidates[0]
          : (candidates.find((p) => p.nodeId === t.nodeId) ??
            candidates.find((p) => ownersOf(t.nodeId, ra, from).some((w) => w.nodeId === p.nodeId)));
      if (peer) {
        const pair = [t.nodeId, c.local.port, peer.nodeId, peer.local.port, la, ra, c.proto].join(" ");
        const mirror = [peer.nodeId, peer.local.port, t.nodeId, c.local.port, ra, la, c.proto].join(" ");
        if (drawn.has(mirror)) continue;
        drawn.add(pair);
        const other: Socket = { nodeId: peer.nodeId, pid: peer.pid, containerId: peer.containerId };
        const peerServes = listensOn(peer.nodeId, peer.proto, peer.local.port);
        const clientIsSelf = peerServes || (!inbound && c.local.port > peer.local.port);
        if (clientIsSelf) edge(endpoint(self), endpoint(other), "connection", c.proto, peer.local.port);
        else edge(endpoint(other), endpoint(self), "connection", c.proto, c.local.port);
        continue;
      }
      if (inbound) continue;

      // 2. The listening socket behind the remote address.
      const owner = pickOwner(ownersOf(t.nodeId, ra, from));
      const listener = owner && listenerFor(owner, c.proto, ra, c.remote.port);
      if (listener) {
        edge(
          endpoint(self),
          endpoint({ nodeId: listener.nodeId, pid: listener.pid, containerId: listener.container }),
          "connection",
          c.proto,
          c.remote.port,
        );
        continue;
      }
      // 3. A Kubernetes service.
      const service =
        serviceAt.get(`${ra} ${c.remote.port}`) ??
        (owner && !owner.containerId && !owner.pod ? serviceOnNodePort.get(c.remote.port) : undefined);
      if (service) {
        edge(endpoint(self), serviceId(service), "connection", c.proto, c.remote.port);
        continue;
      }
      // 4. Whoever owns the address.
      if (owner && !(owner.nodeId === t.nodeId && isLoopback(ra))) {
        edge(endpoint(self), ownerId(owner), "connection", c.proto, c.remote.port);
        continue;
      }
      unresolved++;
    }
  }

  // Servers show even when nothing connects to them now.
  for (const t of topologies) {
    if (!withProcesses(t.nodeId)) continue;
    for (const l of t.listening) if (l.pid !== undefined) processId(t.nodeId, l.pid);
    if (o.processes === "all") for (const p of t.processes) processId(t.nodeId, p.pid);
  }
  for (const t of topologies) {
    hostId(t.nodeId);
    for (const c of t.containers) containerId(t.nodeId, cid(c.id));
  }
  const podsIn = new Map<string, PodItem[]>();
  for (const { pod } of pods.values()) {
    podId(pod);
    const list = podsIn.get(pod.namespace);
    if (list) list.push(pod);
    else podsIn.set(pod.namespace, [pod]);
  }
  for (const s of services.values()) {
    const sid = serviceId(s);
    const selector = Object.entries(s.selector ?? {});
    if (selector.length === 0) continue;
    for (const pod of podsIn.get(s.namespace) ?? [])
      if (selector.every(([k, v]) => pod.labels?.[k] === v)) edge(sid, podId(pod), "selects", null, null);
  }
  const serviceByName = new Map([...services.values()].map((s) => [`${s.namespace}/${s.name}`, s]));
  for (const i of ingresses.values()) {
    const iid = `ingress:${i.uid}`;
    nodes.set(iid, {
      id: iid,
      kind: "ingress",
      label: `${i.namespace}/${i.name}`,
      parent: null,
      nodeId: null,
      attributes: { namespace: i.namespace, name: i.name },
    });
    for (const r of i.rules) {
      const s = serviceByName.get(`${i.namespace}/${r.service}`);
      if (s) edge(iid, serviceId(s), "routes", "tcp", r.port ?? null);
    }
  }

  return focus({ nodes: [...nodes.values()], edges: [...edges.values()], unresolved }, o.focus);
}

/**
 * The one owner of an address, or none when it is ambiguous (the same private address on several hosts). On
 * one node, a pod owns what its containers also claim (they share its network namespace).
 */
function pickOwner(ws: Owner[]): Owner | undefined {
  if (ws.length <= 1) return ws[0];
  const first = ws[0] as Owner;
  if (!ws.every((w) => w.nodeId === first.nodeId)) return undefined;
  return ws.find((w) => w.pod);
}

const tuple = (proto: string, la: string, lp: number, ra: string, rp: number) =>
  `${proto} ${addr(la)} ${lp} ${addr(ra)} ${rp}`;

/** Keeps the focus nodes' own graph nodes, what their edges reach, and the parents of both. */
function focus(g: Graph, on: readonly string[] | undefined): Graph {
  // Code-point order: localeCompare costs seconds over 100,000 edges.
  const sorted = (x: Graph): Graph => ({
    nodes: x.nodes.sort((a, b) => cmp(a.id, b.id)),
    edges: x.edges.sort((a, b) => cmp(a.from, b.from) || cmp(a.to, b.to) || (a.port ?? 0) - (b.port ?? 0)),
    unresolved: x.unresolved,
  });
  if (!on || on.length === 0) return sorted(g);
  const wanted = new Set(on);
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const mine = (id: string) => {
    const n = byId.get(id);
    return n?.nodeId !== null && n?.nodeId !== undefined && wanted.has(n.nodeId);
  };
  const keep = new Set(g.nodes.filter((n) => mine(n.id)).map((n) => n.id));
  const edges = g.edges.filter((e) => e.kind === "connection" && (mine(e.from) || mine(e.to)));
  for (const e of edges) keep.add(e.from).add(e.to);
  for (const id of [...keep])
    for (let p = byId.get(id)?.parent; p && !keep.has(p); p = byId.get(p)?.parent) keep.add(p);
  const more = g.edges.filter((e) => e.kind !== "connection" && keep.has(e.from) && keep.has(e.to));
  return sorted({ nodes: g.nodes.filter((n) => keep.has(n.id)), edges: [...edges, ...more], unresolved: g.unresolved });
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const GRAPH_SECTIONS: Section[] = ["listening", "connections", "containers", "pods", "services", "ingresses"];

/** Nodes per query: the rows of one chunk are parsed and dropped before the next is read. */
const CHUNK = 200;

/**
 * Reads what the graph needs from the store (every node's host, sockets, containers, pods, services and
 * ingresses; processes only of the nodes whose processes are drawn) and builds it. The items are read a chunk
 * of nodes at a time, so the raw rows of the whole estate are never in memory at once.
 */
export async function loadGraph(store: Store, o: GraphOptions & { status?: NodeStatus }): Promise<Graph> {
  let q = store.db.selectFrom("nodes").select(["id", "hostname", "status", "last_seen_at"]).orderBy("id");
  if (o.status) q = q.where("status", "=", o.status);
  const rows = await q.execute();
  const byId = new Map<string, NodeTopology>(
    rows.map((r) => [
      r.id,
      {
        nodeId: r.id,
        hostname: r.hostname,
        status: r.status,
        lastSeenAt: r.last_seen_at,
        host: null,
        processes: [],
        listening: [],
        connections: [],
        containers: [],
        pods: [],
        services: [],
        ingresses: [],
      },
    ]),
  );
  const ids = [...byId.keys()];
  const read = async (nodeIds: string[], sections: string[]) => {
    for (let i = 0; i < nodeIds.length; i += CHUNK) {
      const items = await store.db
        .selectFrom("topology_items")
        .select(["node_id", "section", "body"])
        .where("node_id", "in", nodeIds.slice(i, i + CHUNK))
        .where("section", "in", sections)
        .execute();
      for (const r of items) {
        const t = byId.get(r.node_id);
        if (!t) continue;
        if (r.section === "host") t.host = JSON.parse(r.body) as HostInfo;
        else (t[r.section as ItemSection] as unknown[]).push(JSON.parse(r.body));
      }
    }
  };
  await read(ids, ["host", ...GRAPH_SECTIONS]);
  if (o.processes !== "none")
    await read(o.processesOf ? ids.filter((id) => o.processesOf?.has(id)) : ids, ["processes"]);
  return buildGraph([...byId.values()], o);
}

type ItemSection = Exclude<keyof NodeTopology, "nodeId" | "hostname" | "status" | "lastSeenAt" | "host">;
