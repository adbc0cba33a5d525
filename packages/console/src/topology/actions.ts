import { randomUUID } from "node:crypto";
import { type Kysely, sql } from "kysely";
import type { Store } from "../store/open.js";
import type { Database } from "../store/schema.js";
import type { ActionState, SensorActionsTable } from "./tables.js";

/** Work for a sensor, as the sensor receives it and as the console reads it back. */
export interface SensorAction {
  id: string;
  nodeId: string;
  kind: string;
  payload: unknown;
  state: ActionState;
  createdAt: string;
  deliveredAt: string | null;
  deliveries: number;
  finishedAt: string | null;
  result: string | null;
}

export interface DeliveryRules {
  /** A delivered action not acknowledged within this time is delivered again. */
  redeliverAfterSeconds: number;
  /** Deliveries before an unacknowledged action fails instead. */
  maxDeliveries: number;
}

const toAction = (r: SensorActionsTable): SensorAction => ({
  id: r.id,
  nodeId: r.node_id,
  kind: r.kind,
  payload: JSON.parse(r.payload),
  state: r.state,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
  deliveries: Number(r.deliveries),
  finishedAt: r.finished_at,
  result: r.result,
});

export class UnknownNodeError extends Error {
  override name = "UnknownNodeError";
}

/**
 * Queues an action for a node's sensor (e.g. kind "scan" with what to scan) and wakes the sensor's long-poll
 * if it waits on this console; a sensor waiting on another console sharing the store gets it at that
 * console's next check (about a second). Pass `db` to enqueue inside your own transaction (the wake-up then
 * may come before your commit; the periodic check delivers it right after). Returns the action id.
 */
export async function enqueueAction(
  store: Store,
  nodeId: string,
  kind: string,
  payload: unknown,
  o: { db?: Kysely<Database>; now?: Date } = {},
): Promise<string> {
  const db = o.db ?? store.db;
  const node = await db.selectFrom("nodes").select("id").where("id", "=", nodeId).executeTakeFirst();
  if (!node) throw new UnknownNodeError(`no node ${nodeId}`);
  const id = randomUUID();
  await db
    .insertInto("sensor_actions")
    .values({
      id,
      node_id: nodeId,
      kind,
      payload: JSON.stringify(payload ?? null),
      state: "pending",
      created_at: (o.now ?? new Date()).toISOString(),
      delivered_at: null,
      deliveries: 0,
      finished_at: null,
      result: null,
    })
    .execute();
  for (const w of registry.get(store) ?? []) w.notify(nodeId);
  return id;
}

export async function getAction(store: Store, id: string): Promise<SensorAction | undefined> {
  const row = await store.db.selectFrom("sensor_actions").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toAction(row) : undefined;
}

/** Which actions to deliver now: pending ones, and delivered ones whose acknowledgement is overdue. */
const deliverable = (cutoff: string) =>
  sql<boolean>`(state = 'pending' or (state = 'delivered' and delivered_at < ${cutoff}))`;

/**
 * Hands a node's deliverable actions to its sensor (oldest first, at most `limit`), marking them delivered.
 * Overdue ones that used up their deliveries fail instead. The claim is one UPDATE whose WHERE re-checks the
 * state, so two consoles answering the same sensor at once never both deliver an action.
 */
export async function claimActions(
  store: Store,
  nodeId: string,
  rules: DeliveryRules,
  o: { limit?: number; now?: Date } = {},
): Promise<SensorAction[]> {
  const now = o.now ?? new Date();
  const at = now.toISOString();
  const cutoff = new Date(now.getTime() - rules.redeliverAfterSeconds * 1000).toISOString();
  return store.db.transaction().execute(async (trx) => {
    await trx
      .updateTable("sensor_actions")
      .set({
        state: "failed",
        finished_at: at,
        result: `not acknowledged after ${rules.maxDeliveries} deliveries`,
      })
      .where("node_id", "=", nodeId)
      .where("state", "=", "delivered")
      .where("delivered_at", "<", cutoff)
      .where("deliveries", ">=", rules.maxDeliveries)
      .execute();
    const rows = await trx
      .updateTable("sensor_actions")
      .set((eb) => ({ state: "delivered", delivered_at: at, deliveries: eb("deliveries", "+", 1) }))
      .where(
        "id",
        "in",
        trx
          .selectFrom("sensor_actions")
          .select("id")
          .where("node_id", "=", nodeId)
          .where(deliverable(cutoff))
          .orderBy("created_at")
          .limit(o.limit ?? 50),
      )
      .where(deliverable(cutoff))
      .returningAll()
      .execute();
    return rows.map(toAction).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  });
}

export type AckResult = { state: ActionState } | "unknown_action";

/**
 * The sensor's answer to a delivered action: "done" (taken on) or "failed" (refused, with its reason).
 * Acknowledging again is harmless: the first answer stands.
 */
export async function ackAction(
  store: Store,
  nodeId: string,
  actionId: string,
  outcome: "done" | "failed",
  message?: string,
  now = new Date(),
): Promise<AckResult> {
  const updated = await store.db
    .updateTable("sensor_actions")
    .set({ state: outcome, finished_at: now.toISOString(), result: message ?? null })
    .where("id", "=", actionId)
    .where("node_id", "=", nodeId)
    .where("state", "in", ["pending", "delivered"])
    .returning("state")
    .executeTakeFirst();
  if (updated) return { state: updated.state };
  const row = await store.db
    .selectFrom("sensor_actions")
    .select("state")
    .where("id", "=", actionId)
    .where("node_id", "=", nodeId)
    .executeTakeFirst();
  return row ? { state: row.state } : "unknown_action";
}

/** Deletes finished actions older than the given age. Returns how many. */
export async function pruneActions(store: Store, olderThanSeconds: number, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - olderThanSeconds * 1000).toISOString();
  const r = await store.db
    .deleteFrom("sensor_actions")
    .where("state", "in", ["done", "failed"])
    .where("finished_at", "<", cutoff)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** The long-polls waiting on each store in this process, so enqueueAction can wake them. */
const registry = new WeakMap<Store, Set<ActionWaiters>>();

/**
 * The sensors' long-polls on this console. A wait ends when an action is enqueued here (at once), when a
 * periodic check of the store finds something deliverable for a waiting node (actions enqueued by another
 * console, or due again), when its time is up, or when the console stops. The check is one query per
 * interval for all waiting sensors, however many there are.
 */
export class ActionWaiters {
  private readonly waiting = new Map<string, Set<() => void>>();
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly rules: DeliveryRules,
    private readonly checkEveryMs = 1000,
  ) {
    const set = registry.get(store) ?? new Set();
    set.add(this);
    registry.set(store, set);
  }

  /** How many long-polls wait now. */
  get size(): number {
    let n = 0;
    for (const s of this.waiting.values()) n += s.size;
    return n;
  }

  notify(nodeId: string): void {
    for (const wake of this.waiting.get(nodeId) ?? []) wake();
  }

  /**
   * Starts listening for a node before the caller looks for actions (so nothing enqueued in between is
   * missed), and returns the wait: it resolves when woken, after `ms`, or on abort — never rejects.
   */
  arm(nodeId: string): { wait(ms: number, signal?: AbortSignal): Promise<void>; cancel(): void } {
    let woken = false;
    let resolve: (() => void) | undefined;
    const wake = () => {
      woken = true;
      resolve?.();
    };
    const set = this.waiting.get(nodeId) ?? new Set();
    set.add(wake);
    this.waiting.set(nodeId, set);
    this.schedule();
    const cancel = () => {
      set.delete(wake);
      if (set.size === 0 && this.waiting.get(nodeId) === set) this.waiting.delete(nodeId);
      if (this.waiting.size === 0) this.unschedule();
    };
    return {
      cancel,
      wait: (ms, signal) =>
        new Promise<void>((done) => {
          if (woken || this.closed || signal?.aborted || ms <= 0) {
            cancel();
            return done();
          }
          const finish = () => {
            clearTimeout(timeout);
            signal?.removeEventListener("abort", finish);
            cancel();
            done();
          };
          const timeout = setTimeout(finish, ms);
          signal?.addEventListener("abort", finish, { once: true });
          resolve = finish;
        }),
    };
  }

  /** Ends every wait now and accepts no more (console shutdown). */
  close(): void {
    this.closed = true;
    this.unschedule();
    for (const set of [...this.waiting.values()]) for (const wake of [...set]) wake();
    this.waiting.clear();
    registry.get(this.store)?.delete(this);
  }

  private schedule() {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => void this.check(), this.checkEveryMs);
    this.timer.unref();
  }

  private unschedule() {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async check() {
    if (this.checking || this.waiting.size === 0) return;
    this.checking = true;
    try {
      const cutoff = new Date(Date.now() - this.rules.redeliverAfterSeconds * 1000).toISOString();
      const rows = await this.store.db
        .selectFrom("sensor_actions")
        .select("node_id")
        .distinct()
        .where(deliverable(cutoff))
        .limit(100_000)
        .execute();
      for (const r of rows) this.notify(r.node_id);
    } catch {
      // The store is briefly unavailable (or closing): the next check, or the wait's end, covers it.
    } finally {
      this.checking = false;
    }
  }
}
