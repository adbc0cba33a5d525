import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { BatchFile, BatchRequest, WorkerReply } from "./worker-protocol.js";

/**
 * Files per message, and bytes: small files travel in batches so that per-message costs (tens of µs) do not
 * dominate. An idle worker gets its share of the queue at once; a busy one a second batch only when a few
 * files wait, so files are not sent one by one while the workers are busy, yet a worker finishing a batch
 * has the next one at hand while the caller reads more files.
 */
const BATCH_FILES = 32;
const BATCH_BYTES = 8 * 1024 * 1024;
/** Queued files that justify a second batch in flight to a busy worker. */
const SECOND_BATCH = 8;
/** Replacement workers started after crashes before the pool gives up. */
const MAX_RESTARTS = 3;

interface Job<Outcome> {
  file: BatchFile;
  done: (o: Outcome) => void;
}

interface Slot<Outcome> {
  worker: Worker;
  inFlight: Map<number, Job<Outcome>[]>;
  alive: boolean;
}

/** What a pool runs: the worker's code, what each worker starts from, and how a lost file is reported. */
export interface PoolSpec<Init, Outcome> {
  /** Names the pool in messages: "secret scan", "malware scan". */
  label: string;
  entry: URL;
  /** Sent to each worker as workerData.init (structured-cloned). */
  init: Init;
  /** The outcome of a file the pool could not scan (worker crashed, pool closed). */
  failure: (path: string, why: string) => Outcome;
}

/**
 * Where a worker's code is, in each way the engine runs (`from` is the import.meta.url of the module that
 * owns the worker, `bundled` the file name the CLI bundle emits beside itself):
 *  - bundled CLI: packages/cli/dist/rampart.mjs with e.g. secrets-worker.mjs emitted beside it;
 *  - compiled with tsc: worker.js beside the owning module;
 *  - from TypeScript sources (tsx, vitest): worker-dev.mjs, which registers tsx and loads worker.ts.
 */
export function workerEntry(from: string, bundled: string): URL {
  for (const name of [`./${bundled}`, "./worker.js"]) {
    const url = new URL(name, from);
    if (existsSync(fileURLToPath(url))) return url;
  }
  const dev = new URL("./worker-dev.mjs", from);
  if (from.endsWith(".ts") && existsSync(fileURLToPath(dev))) return dev;
  throw new Error(`worker ${bundled} not found next to ${fileURLToPath(from)}`);
}

/** A pool of scanning threads, each with its own compiled rules; file bytes are transferred, not copied. */
export class WorkerPool<Init, Outcome> {
  /** Rule compile warnings (from the first worker) and worker failures. */
  readonly warnings: string[] = [];
  private readonly slots: Slot<Outcome>[] = [];
  private readonly queue: Job<Outcome>[] = [];
  private nextBatch = 0;
  private restarts = 0;
  private closing = false;

  private constructor(private readonly spec: PoolSpec<Init, Outcome>) {}

  static async start<Init, Outcome>(spec: PoolSpec<Init, Outcome>, size: number): Promise<WorkerPool<Init, Outcome>> {
    const pool = new WorkerPool(spec);
    const ready = Array.from({ length: Math.max(1, size) }, () => pool.spawn());
    const results = await Promise.allSettled(ready);
    const failed = results.find((r) => r.status === "rejected");
    if (failed) {
      await pool.close();
      throw (failed as PromiseRejectedResult).reason;
    }
    const first = results[0] as PromiseFulfilledResult<string[]>;
    pool.warnings.push(...first.value);
    return pool;
  }

  get size(): number {
    return this.slots.filter((s) => s.alive).length;
  }

  /** Queues one file; resolves with its outcome (a failure becomes a warning, never a rejection). */
  submit(path: string, content: Uint8Array, layer?: string): Promise<Outcome> {
    return new Promise((done) => {
      this.queue.push({ file: { path, bytes: content, ...(layer !== undefined ? { layer } : {}) }, done });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
    for (const s of slots) this.fail(s, "closed");
    for (const job of this.queue.splice(0)) job.done(this.spec.failure(job.file.path, "scanner closed"));
  }

  private spawn(): Promise<string[]> {
    const worker = new Worker(this.spec.entry, { workerData: { init: this.spec.init } });
    const slot: Slot<Outcome> = { worker, inFlight: new Map(), alive: false };
    this.slots.push(slot);
    return new Promise((ready, reject) => {
      worker.on("message", (m: WorkerReply<Outcome>) => {
        if (m.kind === "ready") {
          slot.alive = true;
          worker.unref();
          ready(m.warnings);
          this.pump();
          return;
        }
        const jobs = slot.inFlight.get(m.batch) ?? [];
        slot.inFlight.delete(m.batch);
        jobs.forEach((job, i) => {
          job.done(m.outcomes[i] ?? this.spec.failure(job.file.path, "no result"));
        });
        if (slot.inFlight.size === 0) worker.unref();
        this.pump();
      });
      worker.on("error", (e) => {
        if (!slot.alive) reject(new Error(`${this.spec.label} worker did not start: ${e.message}`));
        else this.crashed(slot, e.name);
      });
      worker.on("exit", (code) => {
        if (!slot.alive) reject(new Error(`${this.spec.label} worker exited with code ${code} before it was ready`));
        else this.crashed(slot, `exit code ${code}`);
      });
    });
  }

  /** Sends queued files to workers with room, in batches; each idle worker gets its share of the queue. */
  private pump(): void {
    for (const slot of this.slots) {
      while (slot.alive && this.queue.length > 0 && this.hasRoom(slot)) {
        const share = Math.ceil(this.queue.length / Math.max(1, this.size));
        const jobs: Job<Outcome>[] = [];
        let bytes = 0;
        while (this.queue.length > 0 && jobs.length < Math.min(share, BATCH_FILES) && bytes < BATCH_BYTES) {
          const job = this.queue.shift() as Job<Outcome>;
          jobs.push(job);
          bytes += job.file.bytes.length;
        }
        const batch = this.nextBatch++;
        slot.inFlight.set(batch, jobs);
        const files = jobs.map((j) => j.file);
        slot.worker.ref();
        slot.worker.postMessage({ batch, files } satisfies BatchRequest, packForTransfer(files));
      }
    }
  }

  /** Idle, or busy with one batch while a full batch waits. */
  private hasRoom(slot: Slot<Outcome>): boolean {
    if (slot.inFlight.size === 0) return true;
    return slot.inFlight.size === 1 && this.queue.length >= SECOND_BATCH;
  }

  private crashed(slot: Slot<Outcome>, why: string): void {
    if (!slot.alive || this.closing) return;
    slot.alive = false;
    this.slots.splice(this.slots.indexOf(slot), 1);
    this.warnings.push(`${this.spec.label} worker failed (${why}); ${countJobs(slot)} file(s) not scanned`);
    this.fail(slot, `worker failed (${why})`);
    if (this.restarts < MAX_RESTARTS) {
      this.restarts++;
      this.spawn().catch((e: unknown) => {
        this.warnings.push(e instanceof Error ? e.message : String(e));
        this.drainIfDead();
      });
    } else {
      this.drainIfDead();
    }
  }

  private fail(slot: Slot<Outcome>, why: string): void {
    for (const jobs of slot.inFlight.values()) for (const job of jobs) job.done(this.spec.failure(job.file.path, why));
    slot.inFlight.clear();
  }

  /** With no worker left, queued files can only be reported as not scanned. */
  private drainIfDead(): void {
    if (this.slots.some((s) => s.alive)) return;
    for (const job of this.queue.splice(0))
      job.done(this.spec.failure(job.file.path, `no ${this.spec.label} worker left`));
  }
}

const countJobs = <O>(slot: Slot<O>) => [...slot.inFlight.values()].reduce((n, jobs) => n + jobs.length, 0);

/**
 * Makes a batch's bytes transferable and returns the transfer list. A view that owns its whole ArrayBuffer
 * is transferred as is: zero copy, the caller gave it up. A slice of a shared slab (Node's Buffer pool, used
 * for small buffers) must be copied, since transferring the slab would empty every other buffer cut from
 * it: those slices are copied into one buffer per batch, one transfer instead of one each.
 */
function packForTransfer(files: BatchFile[]): ArrayBuffer[] {
  const transfer: ArrayBuffer[] = [];
  let packed = 0;
  for (const f of files) {
    if (owns(f.bytes)) transfer.push(f.bytes.buffer as ArrayBuffer);
    else packed += f.bytes.length;
  }
  if (packed === 0) return transfer;
  const pack = new Uint8Array(packed);
  let at = 0;
  for (const f of files) {
    const b = f.bytes;
    if (owns(b)) continue;
    pack.set(b, at);
    f.bytes = pack.subarray(at, at + b.length);
    at += b.length;
  }
  transfer.push(pack.buffer);
  return transfer;
}

const owns = (b: Uint8Array): boolean =>
  b.buffer instanceof ArrayBuffer && b.byteOffset === 0 && b.byteLength === b.buffer.byteLength;
