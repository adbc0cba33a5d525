import { Type } from "typebox";
import type { ConsoleApp } from "../http/app.js";
import { badRequest, notFound } from "../http/errors.js";
import { Id, IdParams, PageQuery, Time } from "../http/schemas.js";
import { loadGraph } from "../topology/graph.js";
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
const Attribute = Type.Union([Type.String(), Type.Number(), Type.Null()]);
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
    parent: Type.Union([Type.String(), Type.Null()]),
    nodeId: Type.Union([Type.String(), Type.Null()]),
    attributes: Type.Record(Type.String(), Attribute),
  },
  { additionalProperties: false },
);
const GraphEdge = Type.Object(
  {
    from: Type.String(),
    to: Type.String(),
    kind: Type.Union([Type.Literal("connection"), Type.Literal("selects"), Type.Literal("routes")]),
    proto: Type.Union([Type.Literal("tcp"), Type.Literal("udp"), Type.Null()]),
    port: Type.Union([Type.Integer(), Type.Null()]),
    count: Type.Integer(),
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
          "Connections are drawn from client to server, resolved across nodes by the other end of the connection or the listening socket behind its address. nodeId narrows the graph to those nodes and what they connect to.",
        tags,
        querystring: Type.Object(
          {
            nodeId: Type.Optional(Type.Array(Id, { maxItems: 100 })),
            processes: Type.Optional(
              Type.Union([Type.Literal("connected"), Type.Literal("all"), Type.Literal("none")], {
                default: "connected",
              }),
            ),
            status: Type.Optional(Status),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            {
              nodes: Type.Array(GraphNode),
              edges: Type.Array(GraphEdge),
              unresolved: Type.Integer({ description: "connections whose other end is unknown" }),
            },
            { additionalProperties: false },
          ),
        },
      },
      config: { access: "read-only" },
    },
    async (req) =>
      loadGraph(store, {
        processes: req.query.processes ?? "connected",
        ...(req.query.nodeId ? { focus: req.query.nodeId } : {}),
        ...(req.query.status ? { status: req.query.status } : {}),
      }),
  );
}
