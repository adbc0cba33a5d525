import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { type Selectable, sql } from "kysely";
import type { Store } from "../store/open.js";
import {
  Completion,
  type JobContext,
  type JobHandler,
  type JobQueue,
  type JobRecord,
  type JobSpec,
  type JobState,
  PermanentJobError,
} from "./queue.js";
import type { JobsTable } from "./tables.js";

export interface QueueTiming {
  /** How often idle workers look for due jobs (a local enqueue wakes them at once). */
  pollMs: number;
  /** A running job's lease; renewed every third of it while the handler runs. */
  leaseSeconds: number;
  /** How often expired leases are taken back. */
  reapMs: number;
  /** Seconds before retry n (1-based). */
  backoffSeconds: (attempt: number) => number;
  /** At most one progress write per this many ms for an attempt (the final 100% is always written). */
  progressMs: number;
  /** This console's stable identity (kept in its data directory): it also runs the jobs pinned to it. */
  instance?: string;
}

const DEFAULT_TIMING: QueueTiming = {
  pollMs: 500,
  leaseSeconds: 30,
  reapMs: 5_000,
  backoffSeconds: (n) => Math.min(300, 5 * 2 ** (n - 1)),
  progressMs: 1_000,
};

type Why = "deadline" | "cancelled" | "stopping" | "lease-lost";

class Abort extends Error {
  constructor(readonly why: Why) {
    super(why);
  }
}

/**
 * The job queue over the store's `jobs` table, one code path on both engines. Written here rather than taken
 * from pg-boss: pg-boss runs on PostgreSQL only (the embedded console needs the same semantics on SQLite) and
 * keeps its jobs in its own schema, so a job's completion could not commit in the same transaction as the
 * rows it produced — which is what makes a retried or re-run scan never duplicate its findings.
 *
 * Claims are one UPDATE … WHERE id = (SELECT … LIMIT 1 FOR UPDATE SKIP LOCKED) on PostgreSQL, so consoles
 * sharing a database never claim the same job; SQLite serialises writers, so the same statement without the
 * lock clause is atomic there. Every later write of an attempt is conditioned on (worker, state = running):
 * a console that lost its lease can no longer complete, fail or progress the job.
 */
export class StoreJobQueue implements JobQueue {
  readonly worker = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  private readonly timing: QueueTiming;
  private readonly handlers = new Map<string, { handler: JobHandler; concurrency: number; running: number }>();
  private readonly attempts = new Map<string, { abort(why: Why): void; settled: Promise<void> }>();
  private timers: NodeJS.Timeout[] = [];
  private started = false;
  /** The claim pass in flight, if any: stop() waits for it so nothing it claims starts after stop. */
  private polling: Promise<void> | undefined;
  private pollAgain = false;

  constructor(
    private readonly store: Store,
    timing: Partial<QueueTiming> = {},
  ) {
    this.timing = { ...DEFAULT_TIMING, ...timing };
  }

  async enqueue(spec: JobSpec): Promise<string> {
    const now = new Date().toISOString();
    const valid = validSpec(spec);
    let lastError: unknown;
    for (let tries = 0; tries < 3; tries++) {
      const id = randomUUID();
      try {
        await this.store.db
          .insertInto("jobs")
          .values({
            id,
            kind: spec.kind,
            payload: JSON.stringify(spec.payload ?? null),
            state: "queued",
            attempts: 0,
            max_attempts: valid.maxAttempts,
            deadline_seconds: valid.deadlineSeconds,
            run_after: valid.runAfter ?? now,
            lease_until: null,
            worker: null,
            progress: 0,
            message: null,
            error: null,
            result: null,
            singleton_key: spec.singletonKey ?? null,
            pinned_to: spec.pinTo ?? null,
            cancel_requested: 0,
            created_at: now,
            started_at: null,
            finished_at: null,
          })
          .execute();
        this.wake();
        return id;
      } catch (e) {
        if (!spec.singletonKey) throw e;
        // Most likely the singleton index refusing a second queued-or-running job with this key.
        lastError = e;
        const held = await this.store.db
          .selectFrom("jobs")
          .select("id")
          .where("singleton_key", "=", spec.singletonKey)
          .where("state", "in", ["queued", "running"])
          .executeTakeFirst();
        if (held) return held.id;
        // The holder finished between our insert and our look: try again.
      }
    }
    throw new Error(
      `cannot enqueue ${spec.kind} (singleton ${spec.singletonKey}): ${lastError instanceof Error ? lastError.message : String(lastError)}`,
    );
  }

  work(kind: string, handler: JobHandler, options: { concurrency?: number } = {}): void {
    this.handlers.set(kind, { handler, concurrency: Math.max(1, options.concurrency ?? 1), running: 0 });
    this.wake();
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const row = await this.store.db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? record(row) : undefined;
  }

  async list(filter: { state?: JobState; kind?: string; limit?: number } = {}): Promise<JobRecord[]> {
    let q = this.store.db
      .selectFrom("jobs")
      .selectAll()
      .orderBy("created_at", "desc")
      .limit(Number.isFinite(filter.limit) ? Math.max(0, Math.floor(filter.limit as number)) : 100);
    if (filter.state) q = q.where("state", "=", filter.state);
    if (filter.kind) q = q.where("kind", "=", filter.kind);
    return (await q.execute()).map(record);
  }

  async cancel(id: string): Promise<boolean> {
    const now = new Date().toISOString();
    const queued = await this.store.db
      .updateTable("jobs")
      .set({ state: "cancelled", finished_at: now, error: "cancelled" })
      .where("id", "=", id)
      .where("state", "=", "queued")
      .executeTakeFirst();
    if (Number(queued.numUpdatedRows) > 0) return true;
    const running = await this.store.db
      .updateTable("jobs")
      .set({ cancel_requested: 1 })
      .where("id", "=", id)
      .where("state", "=", "running")
      .executeTakeFirst();
    if (Number(running.numUpdatedRows) === 0) return false;
    // Running here: stop it now; running on another console: its next heartbeat sees the request.
    this.attempts.get(id)?.abort("cancelled");
    return true;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.reap();
    this.timers.push(setInterval(() => this.wake(), this.timing.pollMs));
    this.timers.push(setInterval(() => void this.reap().catch(() => undefined), this.timing.reapMs));
    for (const t of this.timers) t.unref();
    this.wake();
  }

  async stop(): Promise<void> {
    this.started = false;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    // A claim already sent may still return a job: let it, so that attempt is stopped below with the others.
    await this.polling;
    const running = [...this.attempts.values()];
    for (const a of running) a.abort("stopping");
    await Promise.all(running.map((a) => a.settled));
  }

  /** Takes back jobs whose holder stopped renewing its lease: queued again, or failed when out of attempts. */
  async reap(now = new Date()): Promise<number> {
    const at = now.toISOString();
    const r = await this.store.db
      .updateTable("jobs")
      .set({
        state: sql`case when cancel_requested = 1 then 'cancelled' when attempts >= max_attempts then 'failed' else 'queued' end`,
        error: sql`case when cancel_requested = 1 then 'cancelled' else ${"the console running it stopped renewing its lease (it crashed or was killed)"} end`,
        finished_at: sql`case when cancel_requested = 1 or attempts >= max_attempts then ${at} else null end`,
        run_after: at,
        lease_until: null,
        worker: null,
      })
      .where("state", "=", "running")
      .where("lease_until", "<", at)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  private wake(): void {
    if (!this.started) return;
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    // A failed pass (the database unreachable for a moment) is retried by the next tick.
    this.polling = this.poll()
      .catch(() => undefined)
      .finally(() => {
        this.polling = undefined;
        if (this.pollAgain) {
          this.pollAgain = false;
          this.wake();
        }
      });
  }

  private async poll(): Promise<void> {
    for (const [kind, h] of this.handlers) {
      while (this.started && h.running < h.concurrency) {
        const job = await this.claim(kind);
        if (!job) break;
        h.running++;
        void this.run(job, h.handler).finally(() => {
          h.running--;
          this.wake();
        });
      }
    }
  }

  private async claim(kind: string): Promise<Selectable<JobsTable> | undefined> {
    const now = new Date();
    const lease = new Date(now.getTime() + this.timing.leaseSeconds * 1000).toISOString();
    const lock = this.store.engine === "postgres" ? sql`for update skip locked` : sql``;
    const pinned = this.timing.instance
      ? sql`(pinned_to is null or pinned_to = ${this.timing.instance})`
      : sql`pinned_to is null`;
    const r = await sql<Selectable<JobsTable>>`
      update jobs set state = 'running', attempts = attempts + 1, worker = ${this.worker}, lease_until = ${lease},
        started_at = coalesce(started_at, ${now.toISOString()}), error = null
      where id = (select id from jobs where state = 'queued' and kind = ${kind} and run_after <= ${now.toISOString()}
                  and ${pinned} order by run_after, created_at limit 1 ${lock})
        and state = 'queued'
      returning *`.execute(this.store.db);
    return r.rows[0];
  }

  private async run(job: Selectable<JobsTable>, handler: JobHandler): Promise<void> {
    const control = new AbortController();
    let why: Why | undefined;
    const abort = (w: Why) => {
      if (why) return;
      why = w;
      control.abort(new Abort(w));
    };
    let settle!: () => void;
    const settled = new Promise<void>((r) => {
      settle = r;
    });
    this.attempts.set(job.id, { abort, settled });
    const deadline = setTimeout(() => abort("deadline"), job.deadline_seconds * 1000);
    const heartbeat = setInterval(
      () => void this.renew(job.id, abort).catch(() => undefined),
      (this.timing.leaseSeconds * 1000) / 3,
    );
    let lastProgress = 0;
    const ctx: JobContext = {
      id: job.id,
      attempt: job.attempts,
      signal: control.signal,
      progress: async (fraction, message) => {
        if (!Number.isFinite(fraction)) return;
        const now = Date.now();
        if (fraction < 1 && now - lastProgress < this.timing.progressMs) return;
        lastProgress = now;
        await this.mine(job.id)
          .set({ progress: Math.max(0, Math.min(1, fraction)), message: message ?? null })
          .execute();
      },
    };
    try {
      const out = await Promise.race([
        handler(JSON.parse(job.payload), ctx),
        new Promise<never>((_, reject) =>
          control.signal.addEventListener("abort", () => reject(control.signal.reason), { once: true }),
        ),
      ]);
      if (why) throw new Abort(why);
      await this.complete(job.id, out);
    } catch (e) {
      await this.fail(job, why, e).catch(() => undefined);
    } finally {
      clearTimeout(deadline);
      clearInterval(heartbeat);
      this.attempts.delete(job.id);
      settle();
    }
  }

  /** Writes of an attempt only land while this console still holds it. */
  private mine(id: string) {
    return this.store.db
      .updateTable("jobs")
      .where("id", "=", id)
      .where("worker", "=", this.worker)
      .where("state", "=", "running");
  }

  private async renew(id: string, abort: (w: Why) => void): Promise<void> {
    const lease = new Date(Date.now() + this.timing.leaseSeconds * 1000).toISOString();
    const row = await this.mine(id).set({ lease_until: lease }).returning("cancel_requested").executeTakeFirst();
    if (!row) abort("lease-lost");
    else if (row.cancel_requested) abort("cancelled");
  }

  private async complete(id: string, out: unknown): Promise<void> {
    const completion = out instanceof Completion ? out : undefined;
    const result = completion ? completion.result : out;
    await this.store.db.transaction().execute(async (trx) => {
      if (completion) await completion.commit(trx);
      const r = await trx
        .updateTable("jobs")
        .set({
          state: "complete",
          progress: 1,
          result: result === undefined ? null : JSON.stringify(result),
          finished_at: new Date().toISOString(),
          lease_until: null,
        })
        .where("id", "=", id)
        .where("worker", "=", this.worker)
        .where("state", "=", "running")
        .executeTakeFirst();
      // Lost the job meanwhile: roll the handler's writes back with it; the holder now decides.
      if (Number(r.numUpdatedRows) === 0) throw new Abort("lease-lost");
    });
  }

  private async fail(job: Selectable<JobsTable>, aborted: Why | undefined, e: unknown): Promise<void> {
    const now = new Date();
    const why = aborted ?? (e instanceof Abort ? e.why : undefined);
    if (why === "lease-lost") return;
    if (why === "stopping") {
      // Not the job's fault: back in the queue, the attempt not counted.
      await this.mine(job.id)
        .set({
          state: "queued",
          attempts: job.attempts - 1,
          lease_until: null,
          worker: null,
          run_after: now.toISOString(),
        })
        .execute();
      return;
    }
    if (why === "cancelled") {
      await this.mine(job.id)
        .set({ state: "cancelled", error: "cancelled", finished_at: now.toISOString(), lease_until: null })
        .execute();
      return;
    }
    const message =
      why === "deadline"
        ? `deadline exceeded after ${job.deadline_seconds} s`
        : e instanceof Error
          ? e.message
          : String(e);
    const retry = !(e instanceof PermanentJobError) && job.attempts < job.max_attempts;
    await this.mine(job.id)
      .set(
        retry
          ? {
              state: "queued",
              error: message,
              lease_until: null,
              worker: null,
              run_after: new Date(now.getTime() + this.timing.backoffSeconds(job.attempts) * 1000).toISOString(),
            }
          : { state: "failed", error: message, lease_until: null, finished_at: now.toISOString() },
      )
      .execute();
  }
}

/** Longest deadline a Node timer can hold (2^31 - 1 ms); a longer one would fire at once. */
const MAX_DEADLINE_SECONDS = 2_147_483;

/** Refuses a spec the queue cannot hold faithfully, with a message naming the field. */
function validSpec(spec: JobSpec): { maxAttempts: number; deadlineSeconds: number; runAfter?: string } {
  const bad = (what: string) => new Error(`cannot enqueue ${JSON.stringify(spec.kind)}: ${what}`);
  if (typeof spec.kind !== "string" || spec.kind === "") throw bad("kind must be a non-empty string");
  if (!Number.isInteger(spec.maxAttempts) || spec.maxAttempts < 1) throw bad("maxAttempts must be an integer ≥ 1");
  if (!(spec.deadlineSeconds > 0 && spec.deadlineSeconds <= MAX_DEADLINE_SECONDS))
    throw bad(`deadlineSeconds must be more than 0 and at most ${MAX_DEADLINE_SECONDS}`);
  const valid = { maxAttempts: spec.maxAttempts, deadlineSeconds: Math.ceil(spec.deadlineSeconds) };
  if (spec.runAfter === undefined) return valid;
  const at = Date.parse(spec.runAfter);
  if (Number.isNaN(at)) throw bad(`runAfter is not a date: ${spec.runAfter}`);
  // Stored in the one ISO form, so it compares as text with the claim's "now".
  return { ...valid, runAfter: new Date(at).toISOString() };
}

function record(r: Selectable<JobsTable>): JobRecord {
  return {
    id: r.id,
    kind: r.kind,
    payload: JSON.parse(r.payload),
    state: r.state,
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
    progress: Number(r.progress),
    message: r.message,
    error: r.error,
    result: r.result === null ? null : JSON.parse(r.result),
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}
