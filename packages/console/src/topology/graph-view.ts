import type { Store } from "../store/open.js";
import { type Graph, type GraphEdge, type GraphNodeKind, loadGraph } from "./graph.js";
import type { NodeStatus } from "./tables.js";

/** How deep the graph is drawn by default: hosts only; with their pods and containers; down to processes. */
export type GraphLevel = "hosts" | "containers" | "processes";

/** The most nodes one reply carries; edges are capped at twice as many. */
export const MAX_GRAPH_NODES = 50_000;

export interface ViewOptions {
  level: GraphLevel;
  /** Hosts (node ids) drawn with their pods and containers whatever the level. */
  expand?: readonly string[];
  /** Nodes whose processes are drawn whatever the level (and so their pods and containers too). */
  select?: readonly string[];
  /** connected: processes with a connection or a listening socket; all; none: never processes. */
  processes: "connected" | "all" | "none";
  /** Only these nodes and what they connect to. */
  focus?: readonly string[];
  status?: NodeStatus;
  /** At most this many nodes (and twice as many edges); at most MAX_GRAPH_NODES. */
  limit?: number;
}

/** A node as drawn: what the UI needs to place, colour, name and open it, no more. */
export interface ViewNode {
  id: string;
  kind: GraphNodeKind;
  label: string;
  /** Its drawn parent (a folded ancestor is skipped). */
  parent: string | null;
  nodeId: string | null;
  /**
   * Graph nodes folded into this one at this level: a collapsed host's pods and containers (and its processes
   * only where they are read: at the processes level or for selected nodes).
   */
  folded: number;
  /** Its host's sensor is offline. */
  offline: boolean;
}

export interface ViewEdge {
  from: string;
  to: string;
  kind: GraphEdge["kind"];
  /** null when the edges folded into this one differ. */
  proto: GraphEdge["proto"];
  port: number | null;
  /** Connections folded into this edge. */
  count: number;
}

export interface GraphView {
  nodes: ViewNode[];
  edges: ViewEdge[];
  unresolved: number;
  /** Nodes or edges were left out to stay within the limit. */
  truncated: boolean;
}

const DEPTH: Record<GraphNodeKind, number> = { host: 0, service: 0, ingress: 0, pod: 1, container: 2, process: 3 };

/**
 * The graph as one view draws it: every node hidden at this level (a container of a collapsed host, a process
 * of an unselected node) folded into its nearest drawn ancestor, and the edges folded onto the same two drawn
 * ends merged with their counts summed (the edges of a pair nothing is folded onto stay as resolved, one per
 * port). Past the limit, the deepest nodes are folded too (nodes are kept by depth: hosts, services and
 * ingresses, then pods, containers, processes), and then the least used edges dropped.
 */
export function foldGraph(g: Graph, o: Pick<ViewOptions, "level" | "expand" | "select" | "limit">): GraphView {
  const limit = Math.min(o.limit ?? MAX_GRAPH_NODES, MAX_GRAPH_NODES);
  const expanded = new Set([...(o.expand ?? []), ...(o.select ?? [])]);
  const selected = new Set(o.select ?? []);
  const shown = (n: Graph["nodes"][number]) => {
    if (DEPTH[n.kind] === 0) return true;
    if (n.kind === "process") return o.level === "processes" || (n.nodeId !== null && selected.has(n.nodeId));
    return o.level !== "hosts" || (n.nodeId !== null && expanded.has(n.nodeId));
  };
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const candidates = g.nodes.filter(shown).sort((a, b) => DEPTH[a.kind] - DEPTH[b.kind]);
  const drawn = new Set(candidates.slice(0, limit).map((n) => n.id));
  let truncated = candidates.length > limit;

  // Each node's drawn representative: itself or its nearest drawn ancestor (none: the node is not drawn).
  const rep = new Map<string, string | null>();
  const repOf = (id: string): string | null => {
    const known = rep.get(id);
    if (known !== undefined) return known;
    const parent = byId.get(id)?.parent;
    const r = drawn.has(id) ? id : parent ? repOf(parent) : null;
    rep.set(id, r);
    return r;
  };
  const folded = new Map<string, number>();
  for (const n of g.nodes) {
    const r = repOf(n.id);
    if (r !== null && r !== n.id) folded.set(r, (folded.get(r) ?? 0) + 1);
  }
  const hostStatus = new Map(
    g.nodes.filter((n) => n.kind === "host").map((n) => [n.nodeId, n.attributes.status as string]),
  );
  const nodes: GraphView["nodes"] = [];
  for (const n of g.nodes)
    if (drawn.has(n.id))
      nodes.push({
        id: n.id,
        kind: n.kind,
        label: n.label,
        parent: n.parent ? repOf(n.parent) : null,
        nodeId: n.nodeId,
        folded: folded.get(n.id) ?? 0,
        offline: n.nodeId !== null && hostStatus.get(n.nodeId) === "offline",
      });

  // Ends as drawn; a pair (and kind) that some folded edge lands on is merged into one edge, the others stay
  // as resolved, one per port.
  const ends = g.edges.map((e) => [repOf(e.from), repOf(e.to)] as const);
  const foldedOnto = new Set<string>();
  g.edges.forEach((e, i) => {
    const [from, to] = ends[i] as readonly [string | null, string | null];
    if (from !== e.from || to !== e.to) foldedOnto.add(`${from}|${to}|${e.kind}`);
  });
  const merged = new Map<string, ViewEdge>();
  g.edges.forEach((e, i) => {
    const [from, to] = ends[i] as readonly [string | null, string | null];
    if (from === null || to === null || from === to) return;
    const pair = `${from}|${to}|${e.kind}`;
    const key = foldedOnto.has(pair) ? pair : `${pair}|${e.proto}|${e.port}`;
    const m = merged.get(key);
    if (!m) merged.set(key, { from, to, kind: e.kind, proto: e.proto, port: e.port, count: e.count });
    else {
      m.count += e.count;
      if (m.port !== e.port) m.port = null;
      if (m.proto !== e.proto) m.proto = null;
    }
  });
  let edges = [...merged.values()];
  if (edges.length > 2 * limit) {
    truncated = true;
    edges = edges.sort((a, b) => b.count - a.count).slice(0, 2 * limit);
  }
  return { nodes, edges, unresolved: g.unresolved, truncated };
}

/**
 * What changes whenever the stored topology does: every applied report raises its node's seq (and its report
 * time), registering or removing a node changes the count, the sweep changes how many are online. One query
 * over the nodes table, so each console (several may share a PostgreSQL) sees others' changes.
 */
async function fingerprint(store: Store): Promise<string> {
  const r = await store.db
    .selectFrom("nodes")
    .select((eb) => [
      eb.fn.countAll<number>().as("nodes"),
      eb.fn.sum<number>("last_seq").as("seqs"),
      eb.fn.max("last_report_at").as("last"),
      eb.fn.sum<number>(eb.case().when("status", "=", "online").then(1).else(0).end()).as("online"),
    ])
    .executeTakeFirstOrThrow();
  return [r.nodes, r.seqs, r.last, r.online].map(String).join(" ");
}

/** The last resolved graphs per store, by what was read; reused while the topology has not changed. */
const resolved = new WeakMap<Store, Map<string, { fingerprint: string; graph: Graph }>>();
const KEEP = 2;

/**
 * The graph for one view, read from the store: only the processes that will be drawn are read and resolved
 * (those of selected nodes, or every node's at the processes level); the rest is folded by `foldGraph`.
 * Resolving an estate costs seconds at 100,000 connections, so the last resolved graphs are kept and reused
 * until a report, a registration or the offline sweep changes the nodes table.
 */
export async function loadGraphView(store: Store, o: ViewOptions): Promise<GraphView> {
  const processes = o.level === "processes" ? o.processes : (o.select?.length ?? 0) > 0 ? o.processes : "none";
  const options = {
    processes,
    ...(o.level !== "processes" && processes !== "none" ? { processesOf: new Set(o.select) } : {}),
    ...(o.focus ? { focus: o.focus } : {}),
    ...(o.status ? { status: o.status } : {}),
  };
  const key = JSON.stringify({ ...options, processesOf: options.processesOf ? [...options.processesOf].sort() : null });
  const now = await fingerprint(store);
  const cache = resolved.get(store) ?? new Map<string, { fingerprint: string; graph: Graph }>();
  resolved.set(store, cache);
  let graph = cache.get(key)?.fingerprint === now ? cache.get(key)?.graph : undefined;
  if (!graph) {
    graph = await loadGraph(store, options);
    cache.delete(key);
    cache.set(key, { fingerprint: now, graph });
    for (const old of cache.keys()) if (cache.size > KEEP) cache.delete(old);
  } else {
    cache.delete(key);
    cache.set(key, { fingerprint: now, graph });
  }
  return foldGraph(graph, o);
}
