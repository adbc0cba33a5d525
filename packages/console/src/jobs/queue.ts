/**
 * Durable jobs: scans and other console work. The job row in the store is the one truth about a job's state
 * (queued → running → complete | failed | cancelled), on both engines; consoles claim jobs atomically so two
 * processes sharing one PostgreSQL database never run a job twice, and a running job holds a lease that
 * expires when its console dies, so a job can never stay "running" forever.
 */
export const JOB_STATES = ["queued", "running", "complete", "failed", "cancelled"] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface JobSpec {
  /** What kind of work, e.g. "scan", "vulndb-refresh"; a handler is registered per kind. */
  kind: string;
  /** JSON-serialisable input for the handler. */
  payload: unknown;
  /** Hard limit for one attempt, in seconds: past it the attempt is aborted and counts as failed. */
  deadlineSeconds: number;
  /** Attempts in all (1 = no retry). */
  maxAttempts: number;
  /** At most one queued-or-running job per key (e.g. the scheduled DB refresh); enqueue returns the existing id. */
  singletonKey?: string;
  /** Do not start before this time (ISO 8601). */
  runAfter?: string;
  /**
   * Only the console with this instance id may run it (its input is a file in that console's data
   * directory). Unpinned jobs run on any console.
   */
  pinTo?: string;
}

export interface JobRecord {
  id: string;
  kind: string;
  payload: unknown;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  /** 0..1 */
  progress: number;
  message: string | null;
  error: string | null;
  result: unknown;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface JobContext {
  id: string;
  attempt: number;
  /**
   * Aborted when the job is cancelled, its deadline passes, the queue stops, or this console lost the job's
   * lease. The attempt ends then whether or not the handler heeds it; heeding it stops the work itself.
   */
  signal: AbortSignal;
  /** Records progress (0..1) and a message for the API; throttled, so call it as often as convenient. */
  progress(fraction: number, message?: string): Promise<void>;
}

/**
 * A handler returns the job's result (JSON) or a `Completion` (result + rows committed with it), or throws to
 * fail the attempt (retried after a back-off while attempts remain; `PermanentJobError` fails the job at once).
 */
export type JobHandler = (payload: unknown, ctx: JobContext) => Promise<unknown>;

/**
 * Thrown by a handler when trying again cannot help (a malformed archive or SBOM, a sensor that reported it
 * could not scan): the job fails at once with this message instead of being retried.
 */
export class PermanentJobError extends Error {
  override name = "PermanentJobError";
}

/** The transaction a completion's writes run in (the store's Kysely transaction). */
export type JobTransaction = import("kysely").Transaction<import("../store/schema.js").Database>;

/**
 * What a handler returns when its own rows must commit together with the job's completion (a scan's findings):
 * `commit` runs in the same transaction that marks the job complete, so either both are written or neither —
 * and if this console lost the job meanwhile (its lease lapsed and another console took it), neither is.
 *
 *   return new Completion(summary, async (trx) => {
 *     await trx.deleteFrom("findings").where("scan_id", "=", id).execute(); // a re-run replaces, never adds
 *     await trx.insertInto("findings").values(rows).execute();
 *   });
 *
 * If `commit` throws, the transaction rolls back and the attempt fails like a throwing handler (retried
 * while attempts remain). Inside `commit`, write ONLY through `trx`: on SQLite the store has one connection
 * and the transaction holds it, so a query through `store.db` there would wait for ever. Do the slow work
 * (scanning, parsing) in the handler before returning, so the transaction stays short; the job's deadline
 * and cancellation no longer apply once the handler has returned.
 */
export class Completion {
  constructor(
    readonly result: unknown,
    readonly commit: (trx: JobTransaction) => Promise<void>,
  ) {}
}

export interface JobQueue {
  enqueue(spec: JobSpec): Promise<string>;
  /** Registers the handler for a kind; the queue claims and runs jobs of that kind once started. */
  work(kind: string, handler: JobHandler, options?: { concurrency?: number }): void;
  get(id: string): Promise<JobRecord | undefined>;
  list(filter?: { state?: JobState; kind?: string; limit?: number }): Promise<JobRecord[]>;
  /** Queued → cancelled at once; running → aborted, then cancelled. False when already finished or unknown. */
  cancel(id: string): Promise<boolean>;
  start(): Promise<void>;
  /** Stops claiming, aborts running attempts (they go back to queued with their attempt not counted). */
  stop(): Promise<void>;
}
