import { Type } from "typebox";
import type { ConsoleApp } from "../http/app.js";
import { badRequest, notFound } from "../http/errors.js";
import { Id, IdParams, PageQuery, Time } from "../http/schemas.js";
import { loadGraphView, MAX_GRAPH_NODES } from "../topology/graph-view.js";
import {
  CursorError,
  getNode,
  listNodes,
  type NodeRecord,
  type SectionCounts,
  sectionCounts,
} from "../topology/nodes.js";
import { Host, SECTION_ITEMS, SECTIONS } from "../topology/report.js";
import { readSnapshot } from "../topology/snapshot.js";

const Status = Type.Union([Type.Literal("online"), Type.Literal("offline")]);
const Counts = Type.Object(
  Object.fromEntries(SECTIONS.map((s) => [s, Type.Integer()])) as Record<
    (typeof SECTIONS)[number],
    ReturnType<typeof Type.Integer>
  >,
  { additionalProperties: false },
);
const Node = Type.Object(
  {
    id: Type.String(),
    hostname: Type.String(),
    machineId: Type.String(),
    os: Type.Union([Type.String(), Type.Null()]),
    agentVersion: Type.Union([Type.String(), Type.Null()]),
    tags: Type.Record(Type.String(), Type.String()),
    status: Status,
    registeredAt: Time,
    lastSeenAt: Time,
    lastReportAt: Type.Union([Time, Type.Null()]),
    lastSeq: Type.Integer(),
    counts: Counts,
  },
  { additionalProperties: false },
);
const Snapshot = Type.Object(
  {
    host: Type.Union([Host, Type.Null()]),
    ...(Object.fromEntries(SECTIONS.map((s) => [s, Type.Array(SECTION_ITEMS[s])])) as {
      [S in (typeof SECTIONS)[number]]: ReturnType<typeof Type.Array<(typeof SECTION_ITEMS)[S]>>;
    }),
  },
  { additionalProperties: false },
);
const GraphNode = Type.Object(
  {
    id: Type.String(),
    kind: Type.Union([
      Type.Literal("host"),
      Type.Literal("container"),
      Type.Literal("process"),
      Type.Literal("pod"),
      Type.Literal("service"),
      Type.Literal("ingress"),
    ]),
    label: Type.String(),
    parent: Type.Union([Type.String(), Type.Null()], { description: "its drawn parent (folded ancestors skipped)" }),
    nodeId: Type.Union([Type.String(), Type.Null()], { description: "the registered node (host) it belongs to" }),
    folded: Type.Integer({ description: "graph nodes folded into this one at this level" }),
    offline: Type.Boolean({ description: "its host's sensor is offline" }),
  },
  { additionalProperties: false },
);
const GraphEdge = Type.Object(
  {
    from: Type.String(),
    to: Type.String(),
    kind: Type.Union([Type.Literal("connection"), Type.Literal("selects"), Type.Literal("routes")]),
    proto: Type.Union([Type.Literal("tcp"), Type.Literal("udp"), Type.Null()], {
      description: "null when the folded edges differ",
    }),
    port: Type.Union([Type.Integer(), Type.Null()], { description: "the server's port; null when they differ" }),
    count: Type.Integer({ description: "connections folded into this edge" }),
  },
  { additionalProperties: false },
);

const summary = (n: NodeRecord, counts: SectionCounts) => ({
  id: n.id,
  hostname: n.hostname,
  machineId: n.machineId,
  os: n.os,
  agentVersion: n.agentVersion,
  tags: n.tags,
  status: n.status,
  registeredAt: n.registeredAt,
  lastSeenAt: n.lastSeenAt,
  lastReportAt: n.lastReportAt,
  lastSeq: n.lastSeq,
  counts,
});

/** The estate as sensors report it: nodes, each node's topology, and the graph of what talks to what. */
export async function topologyRoutes(app: ConsoleApp): Promise<void> {
  const { store } = app.services;
  const tags = ["topology"];

  app.get(
    "/topology/nodes",
    {
      schema: {
        summary: "Registered nodes by hostname, with status, last seen and what they hold",
        tags,
        querystring: Type.Object({ ...PageQuery, status: Type.Optional(Status) }, { additionalProperties: false }),
        response: {
          200: Type.Object(
            { nodes: Type.Array(Node), next: Type.Union([Type.String(), Type.Null()]) },
            { additionalProperties: false },
          ),
        },
      },
      config: { access: "read-only" },
    },
    async (req) => {
      try {
        const page = await listNodes(store, {
          limit: req.query.limit ?? 50,
          ...(req.query.status ? { status: req.query.status } : {}),
          ...(req.query.cursor ? { cursor: req.query.cursor } : {}),
        });
        return { nodes: page.nodes.map((n) => summary(n, n.counts)), next: page.next };
      } catch (e) {
        if (e instanceof CursorError) throw badRequest(e.message);
        throw e;
      }
    },
  );

  app.get(
    "/topology/nodes/:id",
    {
      schema: {
        summary:
          "One node and its topology as of its last report: host, processes, sockets, containers, images, pods, services",
        tags,
        params: IdParams,
        response: { 200: Type.Object({ node: Node, snapshot: Snapshot }, { additionalProperties: false }) },
      },
      config: { access: "read-only" },
    },
    async (req) => {
      const node = await getNode(store, req.params.id);
      if (!node) throw notFound("node");
      const [snapshot, counts] = await Promise.all([readSnapshot(store, node.id), sectionCounts(store, [node.id])]);
      return { node: summary(node, counts.get(node.id) as SectionCounts), snapshot };
    },
  );

  app.get(
    "/topology/graph",
    {
      schema: {
        summary: "The graph: hosts, containers, processes, pods, services and the connections between them",
        description:
          "Connections are drawn from client to server, resolved across nodes by the other end of the connection or the listening socket behind its address. " +
          "What is drawn depends on the level (hosts by default; processes when nodeId is given): hosts, services and ingresses always; pods and containers at the containers level or of the hosts in expand; processes at the processes level or of the nodes in select. " +
          "Everything else is folded into its nearest drawn ancestor, and the edges folded onto the same two drawn ends are merged with their counts summed. " +
          `nodeId narrows the graph to those nodes and what they connect to. At most limit nodes (default and most ${MAX_GRAPH_NODES}) and twice as many edges: truncated says some were left out.`,
        tags,
        querystring: Type.Object(
          {
            level: Type.Optional(
              Type.Union([Type.Literal("hosts"), Type.Literal("containers"), Type.Literal("processes")]),
            ),
            expand: Type.Optional(Type.Array(Id, { maxItems: 1000 })),
            select: Type.Optional(Type.Array(Id, { maxItems: 100 })),
            nodeId: Type.Optional(Type.Array(Id, { maxItems: 100 })),
            processes: Type.Optional(
              Type.Union([Type.Literal("connected"), Type.Literal("all"), Type.Literal("none")], {
                default: "connected",
              }),
            ),
            status: Type.Optional(Status),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_GRAPH_NODES })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            {
              nodes: Type.Array(GraphNode),
              edges: Type.Array(GraphEdge),
              unresolved: Type.Integer({ description: "connections whose other end is unknown" }),
              truncated: Type.Boolean({ description: "nodes or edges were left out to stay within the limit" }),
            },
            { additionalProperties: false },
          ),
        },
      },
      config: { access: "read-only" },
    },
    async (req) => {
      const q = req.query;
      return loadGraphView(store, {
        level: q.level ?? (q.nodeId ? "processes" : "hosts"),
        processes: q.processes ?? "connected",
        ...(q.expand ? { expand: q.expand } : {}),
        ...(q.select ? { select: q.select } : {}),
        ...(q.nodeId ? { focus: q.nodeId } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.limit ? { limit: q.limit } : {}),
      });
    },
  );
}
