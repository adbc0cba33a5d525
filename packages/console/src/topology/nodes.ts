import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Store } from "../store/open.js";
import { SECTIONS, type Section } from "./report.js";
import type { NodeStatus, NodesTable } from "./tables.js";

/** What a sensor says about itself when it registers. */
export interface Registration {
  machineId: string;
  hostname: string;
  os?: string;
  agentVersion: string;
  tags?: Record<string, string>;
}

/** A registered node as the API shows it. */
export interface NodeRecord {
  id: string;
  machineId: string;
  hostname: string;
  os: string | null;
  agentVersion: string | null;
  tags: Record<string, string>;
  status: NodeStatus;
  registeredAt: string;
  lastSeenAt: string;
  lastReportAt: string | null;
  lastSeq: number;
  /** Who registered it: the key and its user. */
  keyId: string;
  userId: string;
}

export const toNodeRecord = (r: NodesTable): NodeRecord => ({
  id: r.id,
  machineId: r.machine_id,
  hostname: r.hostname,
  os: r.os,
  agentVersion: r.agent_version,
  tags: JSON.parse(r.tags) as Record<string, string>,
  status: r.status,
  registeredAt: r.registered_at,
  lastSeenAt: r.last_seen_at,
  lastReportAt: r.last_report_at,
  lastSeq: Number(r.last_seq),
  keyId: r.key_id,
  userId: r.user_id,
});

/**
 * Registers a sensor, or re-registers it: the same machine id under the same user is the same node (its id,
 * snapshot and seq kept; hostname, tags, key and version updated). One statement, so two registrations racing
 * for one machine end on one node.
 */
export async function registerNode(
  store: Store,
  by: { keyId: string; userId: string },
  r: Registration,
  now = new Date(),
): Promise<{ node: NodeRecord; created: boolean }> {
  const at = now.toISOString();
  const id = randomUUID();
  const row = await store.db
    .insertInto("nodes")
    .values({
      id,
      user_id: by.userId,
      key_id: by.keyId,
      machine_id: r.machineId,
      hostname: r.hostname,
      os: r.os ?? null,
      agent_version: r.agentVersion,
      tags: JSON.stringify(r.tags ?? {}),
      registered_at: at,
      last_seen_at: at,
      last_report_at: null,
      status: "online",
      last_seq: 0,
    })
    .onConflict((oc) =>
      oc.columns(["user_id", "machine_id"]).doUpdateSet((eb) => ({
        key_id: eb.ref("excluded.key_id"),
        hostname: eb.ref("excluded.hostname"),
        os: sql<string | null>`coalesce(${eb.ref("excluded.os")}, ${eb.ref("nodes.os")})`,
        agent_version: eb.ref("excluded.agent_version"),
        tags: eb.ref("excluded.tags"),
        last_seen_at: eb.ref("excluded.last_seen_at"),
        status: "online" as const,
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return { node: toNodeRecord(row), created: row.id === id };
}

/** A heartbeat: the node is alive (online again if it was not). Undefined for an unknown node. */
export async function touchNode(
  store: Store,
  nodeId: string,
  agentVersion?: string,
  now = new Date(),
): Promise<{ lastSeq: number } | undefined> {
  const row = await store.db
    .updateTable("nodes")
    .set({
      last_seen_at: now.toISOString(),
      status: "online",
      ...(agentVersion ? { agent_version: agentVersion } : {}),
    })
    .where("id", "=", nodeId)
    .returning("last_seq")
    .executeTakeFirst();
  return row ? { lastSeq: Number(row.last_seq) } : undefined;
}

/**
 * Marks offline the online nodes not seen for `offlineAfterSeconds`; never deletes anything (a heartbeat or a
 * report brings a node back online). Returns the ids it marked. Safe to run from several consoles at once.
 */
export async function sweepOffline(store: Store, offlineAfterSeconds: number, now = new Date()): Promise<string[]> {
  const cutoff = new Date(now.getTime() - offlineAfterSeconds * 1000).toISOString();
  const rows = await store.db
    .updateTable("nodes")
    .set({ status: "offline" })
    .where("status", "=", "online")
    .where("last_seen_at", "<", cutoff)
    .returning("id")
    .execute();
  return rows.map((r) => r.id);
}

export async function getNode(store: Store, nodeId: string): Promise<NodeRecord | undefined> {
  const row = await store.db.selectFrom("nodes").selectAll().where("id", "=", nodeId).executeTakeFirst();
  return row ? toNodeRecord(row) : undefined;
}

export type SectionCounts = Record<Section, number>;

/** How many items of each section the nodes hold: one grouped query over the primary key for a page of nodes. */
export async function sectionCounts(store: Store, nodeIds: string[]): Promise<Map<string, SectionCounts>> {
  const counts = new Map<string, SectionCounts>(
    nodeIds.map((id) => [id, Object.fromEntries(SECTIONS.map((s) => [s, 0])) as SectionCounts]),
  );
  if (nodeIds.length === 0) return counts;
  const rows = await store.db
    .selectFrom("topology_items")
    .select(["node_id", "section", sql<number | string>`count(*)`.as("n")])
    .where("node_id", "in", nodeIds)
    .where("section", "in", SECTIONS)
    .groupBy(["node_id", "section"])
    .execute();
  for (const r of rows) {
    const c = counts.get(r.node_id);
    if (c) c[r.section as Section] = Number(r.n);
  }
  return counts;
}

export interface NodePage {
  nodes: (NodeRecord & { counts: SectionCounts })[];
  /** Cursor for the next page; null on the last. */
  next: string | null;
}

/** Nodes by hostname, optionally of one status, a page at a time (keyset cursor: no skipped or repeated rows). */
export async function listNodes(
  store: Store,
  o: { status?: NodeStatus; limit: number; cursor?: string },
): Promise<NodePage> {
  let q = store.db.selectFrom("nodes").selectAll();
  if (o.status) q = q.where("status", "=", o.status);
  if (o.cursor) {
    const [hostname, id] = decodeCursor(o.cursor);
    q = q.where((eb) =>
      eb.or([eb("hostname", ">", hostname), eb.and([eb("hostname", "=", hostname), eb("id", ">", id)])]),
    );
  }
  const rows = await q
    .orderBy("hostname")
    .orderBy("id")
    .limit(o.limit + 1)
    .execute();
  const page = rows.slice(0, o.limit);
  const counts = await sectionCounts(
    store,
    page.map((r) => r.id),
  );
  const last = page.at(-1);
  return {
    nodes: page.map((r) => ({ ...toNodeRecord(r), counts: counts.get(r.id) as SectionCounts })),
    next: rows.length > o.limit && last ? encodeCursor([last.hostname, last.id]) : null,
  };
}

export class CursorError extends Error {
  override name = "CursorError";
}

const encodeCursor = (v: [string, string]) => Buffer.from(JSON.stringify(v)).toString("base64url");

function decodeCursor(c: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(c, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === "string" && typeof v[1] === "string") return [v[0], v[1]];
  } catch {
    // fall through
  }
  throw new CursorError("invalid cursor: pass the `next` of the previous page");
}
