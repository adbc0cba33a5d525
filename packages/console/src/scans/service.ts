import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { createReadStream } from "node:fs";
import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { detectSbomFormat, type LayerCache, type PostureDocument, SbomError, SourceError } from "@rampart/engine";
import {
  Completion,
  type JobContext,
  type JobQueue,
  type JobState,
  type JobTransaction,
  PermanentJobError,
} from "../jobs/queue.js";
import type { Store } from "../store/open.js";
import { enqueueAction, getAction } from "../topology/actions.js";
import { UploadRejectedError } from "../topology/service.js";
import { markUploadProcessed, type StoredUpload, unprocessedUploads, uploadsForScan } from "../topology/uploads.js";
import { type EngineOutcome, scanImageArchive, scanSbomFile } from "./engine-run.js";
import { targetKeyOf } from "./fingerprint.js";
import { type ScanRecord, toScanRecord } from "./records.js";
import { prepareResults } from "./results.js";
import type { ScanSummary } from "./rows.js";
import { checkContent, SensorUploadError, sensorOutcome } from "./sensor-results.js";
import type { ScanAction } from "./sensor-upload.js";
import { SCANNERS, type Scanner, type ScansTable, type TargetKind } from "./tables.js";
import { saveUpload, UploadTooLargeError, uploadsDir } from "./uploads.js";

/** Scans whose input is on the console (image archives, SBOMs): CPU-bound, a few at a time. */
export const SCAN_JOB = "scan";
/** Scans a sensor runs: the job mostly waits for the sensor's uploads, so many run at once. */
export const NODE_SCAN_JOB = "node-scan";
/** The sensor action asking for a scan (payload: ScanAction). */
export const SCAN_ACTION = "scan";

export interface ScanServiceOptions {
  store: Store;
  jobs: JobQueue;
  dataDir: string;
  vulnDbDir: string;
  /** Largest image archive or SBOM accepted (bytes). */
  uploadLimit: number;
  /** Layer cache for image archives (default none: nothing on the console would ever prune it). */
  layerCache?: LayerCache | false;
  /** Salt of secret fingerprints (default: RAMPART_SECRET_SALT, else the engine's public one). */
  secretSalt?: string;
  /** Seconds one attempt may take: console-side scans; node scans (which include the sensor's own work). */
  deadlines?: { consoleSeconds?: number; nodeSeconds?: number };
  /** Console-side scans run at once on this console (default 1: each takes the CPU while it reads). */
  concurrency?: number;
  /**
   * This console's instance id: scans of a file uploaded here (kept in this data directory) are pinned to it,
   * so another console sharing the database never claims a job whose input it cannot read.
   */
  instance?: string;
  /** How often a node scan checks the store for its sensor's end, for uploads another console received. */
  pollMs?: number;
}

/** Why a scan cannot be created or found; the routes turn the reason into a 4xx. */
export class ScanError extends Error {
  override name = "ScanError";
  constructor(
    readonly reason: "not-found" | "invalid" | "too-large",
    message: string,
  ) {
    super(message);
  }
}

interface ScanJobPayload {
  scanId: string;
}

const ATTEMPTS = 3;
const SWEEP_MS = 10 * 60_000;
/** An upload younger than this may be about to be recorded: the sweep leaves it. */
const YOUNG_MS = 60_000;
/** A partial upload older than this is from a crash, not a slow client. */
const PARTIAL_MAX_AGE_MS = 24 * 3600_000;
const NODE_TARGETS: readonly TargetKind[] = ["host", "container", "image"];

/**
 * Scans on the console. A scan is a row plus a durable job: its state is the job's. Image archives and SBOMs are
 * uploaded to the data dir and read by a "scan" job (the same engine path as `rampart scan`); node scans send
 * the node's sensor a "scan" action and their "node-scan" job waits for the sensor's uploads, then matches its
 * SBOM here. Either way the findings, the summary and the job's completion are one transaction.
 */
export class ScanService {
  private readonly store: Store;
  private readonly jobs: JobQueue;
  private readonly uploads: string;
  /** Wakes node scans waiting on this console when their sensor's end arrives here. */
  private readonly ends = new EventEmitter().setMaxListeners(0);
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly o: ScanServiceOptions) {
    this.store = o.store;
    this.jobs = o.jobs;
    this.uploads = uploadsDir(o.dataDir);
    o.jobs.work(SCAN_JOB, (p, ctx) => this.runConsoleScan(p, ctx), { concurrency: o.concurrency ?? 1 });
    o.jobs.work(NODE_SCAN_JOB, (p, ctx) => this.runNodeScan(p, ctx), { concurrency: 64 });
  }

  /** An image archive (docker save or OCI archive, plain or compressed), streamed to the data dir, then scanned. */
  async createImageArchiveScan(o: {
    input: Readable | { path: string };
    name?: string;
    scanners?: readonly Scanner[];
    createdBy: string;
  }): Promise<ScanRecord> {
    const scanners = checkScanners(o.scanners ?? ["vuln"]);
    const name = o.name === undefined ? undefined : checkName(o.name);
    return this.createUploaded("image-archive", o.input, "image", name, scanners, o.createdBy);
  }

  /** An SBOM (CycloneDX or SPDX JSON), saved to the data dir, then matched. */
  async createSbomScan(o: { sbom: string | Buffer | Readable; name?: string; createdBy: string }): Promise<ScanRecord> {
    const name = o.name === undefined ? undefined : checkName(o.name);
    const input = typeof o.sbom === "string" || Buffer.isBuffer(o.sbom) ? Readable.from([Buffer.from(o.sbom)]) : o.sbom;
    return this.createUploaded("sbom", input, "sbom", name, ["vuln"], o.createdBy);
  }

  /** Asks a node's sensor to scan its host, one of its containers or images; its uploads complete the scan. */
  async createNodeScan(o: {
    nodeId: string;
    target: { kind: "host" | "container" | "image"; ref?: string };
    scanners?: readonly Scanner[];
    createdBy: string;
  }): Promise<ScanRecord> {
    const scanners = checkScanners(o.scanners ?? ["vuln"]);
    const node = await this.store.db
      .selectFrom("nodes")
      .select(["id", "hostname"])
      .where("id", "=", o.nodeId)
      .executeTakeFirst();
    if (!node) throw new ScanError("not-found", `node ${o.nodeId} not found`);
    if (o.target.kind !== "host" && !o.target.ref)
      throw new ScanError("invalid", `a ${o.target.kind} scan needs the ${o.target.kind}'s name or id (ref)`);
    const ref = o.target.kind === "host" ? node.hostname : checkName(o.target.ref ?? "");
    const id = randomUUID();
    await this.insertScan({
      id,
      target_kind: o.target.kind,
      target_ref: ref,
      target_key: targetKeyOf(o.target.kind, ref, node.id),
      node_id: node.id,
      scanners: JSON.stringify(scanners),
      input_path: null,
      created_by: o.createdBy,
    });
    await this.enqueue(id, NODE_SCAN_JOB);
    return this.getOrThrow(id);
  }

  /**
   * The upload hook of the sensor protocol (SensorService.setUploadHook). Stored uploads are read by the scan's
   * job when the sensor's "done" (or "failed") arrives; this checks the upload, makes sure its scan exists — a
   * scan the sensor ran on its own becomes a scan of its node here — and wakes the job. Idempotent: run again
   * for the same upload (a retry, a replay on start), it changes nothing. Throws UploadRejectedError (the
   * sensor's 400) for content that can never be used or an upload naming another node's scan.
   */
  async ingestSensorUpload(upload: StoredUpload): Promise<void> {
    const problem = uploadProblem(upload);
    if (problem) throw new UploadRejectedError(problem);
    const scan = await this.withJobs().where("scans.id", "=", upload.scanId).executeTakeFirst();
    if (scan && scan.node_id !== upload.nodeId)
      return this.refuse(upload, `scan ${upload.scanId} is not a scan of this node`);
    if (!scan) {
      const target = upload.body.target;
      if (!target)
        return this.refuse(upload, `scan ${upload.scanId} is unknown: a scan the sensor started needs its target`);
      const inserted = await this.store.db
        .insertInto("scans")
        .values({
          ...emptyResults,
          id: upload.scanId,
          target_kind: target.kind,
          target_ref: target.ref,
          target_key: targetKeyOf(target.kind, target.ref, upload.nodeId),
          node_id: upload.nodeId,
          // Known when the sensor's end arrives: what it uploaded.
          scanners: "[]",
          job_id: null,
          action_id: null,
          input_path: null,
          created_by: `sensor:${upload.nodeId}`,
          created_at: upload.receivedAt,
        })
        .onConflict((oc) => oc.column("id").doNothing())
        .returning("id")
        .executeTakeFirst();
      if (inserted) await this.enqueue(upload.scanId, NODE_SCAN_JOB);
    } else if (scan.job_state === "complete" || scan.job_state === "failed" || scan.job_state === "cancelled") {
      // Late for a finished scan: nothing will read it.
      await markUploadProcessed(this.store, upload.id);
      return;
    }
    if (upload.kind === "done" || upload.kind === "failed") this.ends.emit(upload.scanId);
  }

  /** An upload nothing will ever read: marked processed (so it is not replayed), and refused. */
  private async refuse(upload: StoredUpload, why: string): Promise<never> {
    await markUploadProcessed(this.store, upload.id);
    throw new UploadRejectedError(why);
  }

  /**
   * After a start or a crash: gives a job to scans created without one (the console stopped between the two),
   * and replays the sensor uploads not processed yet (a scan the sensor started whose first upload's hook failed).
   */
  async recover(): Promise<void> {
    await this.sweepInputs();
    const orphans = await this.store.db
      .selectFrom("scans")
      .select(["id", "target_kind"])
      .where("job_id", "is", null)
      .execute();
    for (const s of orphans) await this.enqueue(s.id, NODE_TARGETS.includes(s.target_kind) ? NODE_SCAN_JOB : SCAN_JOB);
    for (const u of await unprocessedUploads(this.store, 10_000))
      await this.ingestSensorUpload(u).catch(() => undefined);
  }

  /** Recovers (see recover), then sweeps leftover uploads every few minutes until stop. */
  async start(): Promise<void> {
    await this.recover();
    this.sweeper ??= setInterval(() => void this.sweepInputs().catch(() => undefined), SWEEP_MS);
    this.sweeper.unref();
  }

  stop(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  /**
   * Removes upload files no scan waits for any more: inputs of failed or cancelled scans (a complete scan
   * removes its own), files of scans that do not exist (the console stopped between saving and recording an
   * upload), and partial uploads a crash left behind. Young files are left alone: their scan may be being
   * recorded right now. Returns how many files it removed.
   */
  async sweepInputs(now = Date.now()): Promise<number> {
    const names = await readdir(this.uploads).catch(() => [] as string[]);
    const byScan = new Map<string, string>();
    const removable: string[] = [];
    for (const name of names) {
      const m = /^([0-9a-f-]{36})\.(image|sbom)$/.exec(name);
      if (m?.[1]) byScan.set(m[1], name);
      else if (name.endsWith(".part")) {
        const st = await stat(join(this.uploads, name)).catch(() => undefined);
        if (st && now - st.mtimeMs > PARTIAL_MAX_AGE_MS) removable.push(name);
      }
    }
    if (byScan.size > 0) {
      const live = new Set<string>();
      const ids = [...byScan.keys()];
      for (let i = 0; i < ids.length; i += 500) {
        const rows = await this.withJobs()
          .where("scans.id", "in", ids.slice(i, i + 500))
          .execute();
        for (const r of rows)
          if (
            r.input_path === join(this.uploads, byScan.get(r.id) ?? "") &&
            (r.job_state === null || r.job_state === "queued" || r.job_state === "running")
          )
            live.add(r.id);
      }
      for (const [id, name] of byScan) {
        if (live.has(id)) continue;
        const st = await stat(join(this.uploads, name)).catch(() => undefined);
        if (st && now - st.mtimeMs > YOUNG_MS) removable.push(name);
      }
    }
    for (const name of removable) await rm(join(this.uploads, name), { force: true });
    return removable.length;
  }

  async get(id: string): Promise<ScanRecord | undefined> {
    const row = await this.withJobs().where("scans.id", "=", id).executeTakeFirst();
    return row ? toScanRecord(row) : undefined;
  }

  /**
   * A scan's posture results: every control evaluated and the framework view. undefined when the scan is
   * unknown; null when it has no posture results (not finished, or the posture scanner did not run).
   */
  async posture(id: string): Promise<PostureDocument | null | undefined> {
    const row = await this.store.db.selectFrom("scans").select("posture").where("id", "=", id).executeTakeFirst();
    if (!row) return undefined;
    return row.posture ? (JSON.parse(row.posture) as PostureDocument) : null;
  }

  /** Newest first, paged by the created_at and id of the last scan of the previous page. */
  async list(
    filter: { targetKey?: string; nodeId?: string; kind?: TargetKind; state?: JobState } = {},
    page: { limit?: number; cursor?: string } = {},
  ): Promise<{ items: ScanRecord[]; next: string | null }> {
    const limit = page.limit ?? 50;
    let q = this.withJobs();
    if (filter.targetKey !== undefined) q = q.where("scans.target_key", "=", filter.targetKey);
    if (filter.nodeId !== undefined) q = q.where("scans.node_id", "=", filter.nodeId);
    if (filter.kind !== undefined) q = q.where("scans.target_kind", "=", filter.kind);
    if (filter.state !== undefined)
      q =
        filter.state === "queued"
          ? q.where((eb) => eb.or([eb("jobs.state", "=", "queued"), eb("jobs.state", "is", null)]))
          : q.where("jobs.state", "=", filter.state);
    if (page.cursor !== undefined) {
      const [at, id] = decodeScanCursor(page.cursor);
      q = q.where((eb) =>
        eb.or([eb("scans.created_at", "<", at), eb.and([eb("scans.created_at", "=", at), eb("scans.id", "<", id)])]),
      );
    }
    const rows = await q
      .orderBy("scans.created_at", "desc")
      .orderBy("scans.id", "desc")
      .limit(limit + 1)
      .execute();
    const items = rows.slice(0, limit).map(toScanRecord);
    const last = items[items.length - 1];
    return {
      items,
      next:
        rows.length > limit && last
          ? Buffer.from(JSON.stringify([last.createdAt, last.id])).toString("base64url")
          : null,
    };
  }

  /** Scans with their job's state: the one truth about it, read where it is kept. */
  private withJobs() {
    return this.store.db
      .selectFrom("scans")
      .leftJoin("jobs", "jobs.id", "scans.job_id")
      .selectAll("scans")
      .select([
        "jobs.state as job_state",
        "jobs.progress as job_progress",
        "jobs.message as job_message",
        "jobs.error as job_error",
        "jobs.attempts as job_attempts",
        "jobs.started_at as job_started_at",
        "jobs.finished_at as job_finished_at",
      ]);
  }

  /** Cancels a queued or running scan. False when it has already finished. */
  async cancel(id: string): Promise<boolean> {
    const scan = await this.store.db.selectFrom("scans").select(["job_id"]).where("id", "=", id).executeTakeFirst();
    if (!scan) throw new ScanError("not-found", `scan ${id} not found`);
    if (!scan.job_id) return false;
    const cancelled = await this.jobs.cancel(scan.job_id);
    if (cancelled) await this.dropInput(id);
    return cancelled;
  }

  // ——— creating ———

  private async createUploaded(
    kind: "image-archive" | "sbom",
    input: Readable | { path: string },
    ext: string,
    name: string | undefined,
    scanners: Scanner[],
    createdBy: string,
  ): Promise<ScanRecord> {
    const id = randomUUID();
    const file = `${id}.${ext}`;
    const stream = input instanceof Readable ? input : createReadStream(input.path);
    let bytes: number;
    try {
      bytes = await saveUpload(stream, this.uploads, file, this.o.uploadLimit);
    } catch (e) {
      if (e instanceof UploadTooLargeError) throw new ScanError("too-large", e.message);
      throw e;
    }
    if (bytes === 0) {
      await rm(join(this.uploads, file), { force: true });
      throw new ScanError(
        "invalid",
        `the ${kind === "sbom" ? "SBOM" : "image archive"} is empty: send it as the request body`,
      );
    }
    await this.insertScan({
      id,
      target_kind: kind,
      target_ref: name ?? (kind === "sbom" ? "uploaded SBOM" : "uploaded image archive"),
      target_key: name === undefined ? null : targetKeyOf(kind, name),
      node_id: null,
      scanners: JSON.stringify(scanners),
      input_path: join(this.uploads, file),
      created_by: createdBy,
    });
    await this.enqueue(id, SCAN_JOB);
    return this.getOrThrow(id);
  }

  private async insertScan(
    r: Pick<
      ScansTable,
      "id" | "target_kind" | "target_ref" | "target_key" | "node_id" | "scanners" | "input_path" | "created_by"
    >,
  ): Promise<void> {
    await this.store.db
      .insertInto("scans")
      .values({ ...emptyResults, ...r, job_id: null, action_id: null, created_at: new Date().toISOString() })
      .execute();
  }

  /** Enqueues the scan's job once (the singleton key makes a second enqueue return the first job). */
  private async enqueue(scanId: string, kind: string): Promise<void> {
    const node = kind === NODE_SCAN_JOB;
    const jobId = await this.jobs.enqueue({
      kind,
      payload: { scanId } satisfies ScanJobPayload,
      deadlineSeconds: node ? (this.o.deadlines?.nodeSeconds ?? 3600) : (this.o.deadlines?.consoleSeconds ?? 1800),
      maxAttempts: ATTEMPTS,
      singletonKey: `scan:${scanId}`,
      ...(!node && this.o.instance ? { pinTo: this.o.instance } : {}),
    });
    await this.store.db
      .updateTable("scans")
      .set({ job_id: jobId })
      .where("id", "=", scanId)
      .where("job_id", "is", null)
      .execute();
  }

  private async getOrThrow(id: string): Promise<ScanRecord> {
    const r = await this.get(id);
    if (!r) throw new ScanError("not-found", `scan ${id} not found`);
    return r;
  }

  // ——— running ———

  private async scanRow(payload: unknown): Promise<ScansTable> {
    const scanId = (payload as Partial<ScanJobPayload> | null)?.scanId;
    if (typeof scanId !== "string") throw new Error("scan job without a scanId");
    const row = await this.store.db.selectFrom("scans").selectAll().where("id", "=", scanId).executeTakeFirst();
    if (!row) throw new Error(`scan ${scanId} not found`);
    return row;
  }

  /** The "scan" job: an uploaded image archive or SBOM, read and matched on this console. */
  private async runConsoleScan(payload: unknown, ctx: JobContext): Promise<ScanSummary | Completion> {
    const scan = await this.scanRow(payload);
    if (scan.results_at && scan.summary) return JSON.parse(scan.summary) as ScanSummary;
    if (!scan.input_path) throw new Error(`scan ${scan.id} has no input (cancelled, or its upload was removed)`);
    const scanners = JSON.parse(scan.scanners) as Scanner[];
    const report = progressReporter(ctx);
    const given = scan.target_key !== null ? scan.target_ref : undefined;
    try {
      report(0, "reading");
      const run = {
        vulnDbDir: this.o.vulnDbDir,
        signal: ctx.signal,
        layerCache: this.o.layerCache ?? false,
        onRead: (f: number) => report(0.05 + 0.8 * f, "reading"),
        ...((this.o.secretSalt ?? process.env.RAMPART_SECRET_SALT)
          ? { secretSalt: this.o.secretSalt ?? process.env.RAMPART_SECRET_SALT }
          : {}),
      };
      const outcome =
        scan.target_kind === "sbom"
          ? await scanSbomFile(scan.input_path, given ?? "uploaded SBOM", run)
          : await scanImageArchive(scan.input_path, given ?? "uploaded image archive", scanners, run);
      report(0.9, "storing results");
      // Unnamed uploads are named by what they hold: the image's tag or id; an SBOM's subject image, else itself.
      const src = outcome.source;
      const ref =
        given ??
        src.tags?.[0] ??
        (scan.target_kind === "image-archive" ? (src.imageId ?? scan.target_ref) : undefined) ??
        scan.id;
      const prepared = prepareResults({
        scanId: scan.id,
        targetKind: scan.target_kind,
        targetKey: scan.target_key ?? targetKeyOf(scan.target_kind, ref),
        targetRef: ref === scan.id ? scan.target_ref : ref,
        nodeId: null,
        // An SBOM's image is the one it describes, when it names one.
        imageRef: scan.target_kind === "image-archive" ? ref : (src.tags?.[0] ?? null),
        createdAt: scan.created_at,
        source: src,
        packageCount: outcome.packageCount,
        warnings: outcome.warnings,
        results: outcome.results,
      });
      const input = scan.input_path;
      return new Completion(prepared.summary, async (trx: JobTransaction) => {
        await prepared.write(trx);
        // Last, just before the commit: the input is no longer needed once the results are in.
        await rm(input, { force: true });
      });
    } catch (e) {
      // A malformed archive or SBOM fails the same way every time: no retry, and its input is of no more use.
      if (e instanceof SourceError || e instanceof SbomError) {
        await this.dropInput(scan.id);
        throw new PermanentJobError(e.message);
      }
      if (ctx.attempt >= ATTEMPTS) await this.dropInput(scan.id);
      throw e;
    }
  }

  /** The "node-scan" job: asks the sensor (once), waits for its end, then matches its SBOM here. */
  private async runNodeScan(payload: unknown, ctx: JobContext): Promise<ScanSummary | Completion> {
    const scan = await this.scanRow(payload);
    if (scan.results_at && scan.summary) return JSON.parse(scan.summary) as ScanSummary;
    const nodeId = scan.node_id;
    if (!nodeId) throw new Error(`scan ${scan.id} has no node`);
    const sensorStarted = scan.created_by === `sensor:${nodeId}`;
    let actionId = scan.action_id;
    if (!sensorStarted && !actionId) {
      const action: ScanAction = {
        scanId: scan.id,
        target: { kind: scan.target_kind as ScanAction["target"]["kind"], ref: scan.target_ref },
        scanners: JSON.parse(scan.scanners) as Scanner[],
      };
      actionId = await this.store.db.transaction().execute(async (trx) => {
        const id = await enqueueAction(this.store, nodeId, SCAN_ACTION, action, { db: trx });
        await trx.updateTable("scans").set({ action_id: id }).where("id", "=", scan.id).execute();
        return id;
      });
    }
    await ctx.progress(0.05, "waiting for the sensor");
    const end = await this.waitForEnd(scan.id, nodeId, actionId, ctx.signal);
    const uploads = (await uploadsForScan(this.store, scan.id)).filter((u) => u.nodeId === nodeId);
    if (end.kind === "failed") {
      await this.store.db.transaction().execute(async (trx) => {
        for (const u of uploads) await markUploadProcessed({ db: trx }, u.id);
      });
      throw new PermanentJobError(`the sensor could not scan ${scan.target_ref}: ${failureOf(end)}`);
    }
    await ctx.progress(0.5, "matching");
    let outcome: EngineOutcome & { scanners: Scanner[]; image?: string };
    try {
      outcome = sensorOutcome(uploads, scan.target_ref, { vulnDbDir: this.o.vulnDbDir });
      const asked = JSON.parse(scan.scanners) as Scanner[];
      if (!sensorStarted && asked.includes("vuln") && !uploads.some((u) => u.kind === "sbom"))
        throw new SensorUploadError("the sensor's scan ended without an SBOM: nothing to match");
    } catch (e) {
      if (e instanceof SensorUploadError || e instanceof SbomError) {
        await this.store.db.transaction().execute(async (trx) => {
          for (const u of uploads) await markUploadProcessed({ db: trx }, u.id);
        });
        throw new PermanentJobError(e.message);
      }
      // The uploads will not get better: the last attempt's failure closes them.
      if (ctx.attempt >= ATTEMPTS)
        await this.store.db.transaction().execute(async (trx) => {
          for (const u of uploads) await markUploadProcessed({ db: trx }, u.id);
        });
      throw e;
    }
    const prepared = prepareResults({
      scanId: scan.id,
      targetKind: scan.target_kind,
      targetKey: scan.target_key ?? targetKeyOf(scan.target_kind, scan.target_ref, nodeId),
      targetRef: scan.target_ref,
      nodeId,
      imageRef: scan.target_kind === "image" ? scan.target_ref : (outcome.image ?? null),
      createdAt: scan.created_at,
      source: outcome.source,
      packageCount: outcome.packageCount,
      warnings: outcome.warnings,
      results: outcome.results,
      ...(sensorStarted ? { scanners: outcome.scanners } : {}),
    });
    return new Completion(prepared.summary, async (trx: JobTransaction) => {
      await prepared.write(trx);
      for (const u of uploads) await markUploadProcessed({ db: trx }, u.id);
    });
  }

  /**
   * Waits for the sensor's "done" or "failed" upload: woken at once when it arrives on this console, and
   * checking the store every pollMs for one another console received. A sensor that refuses the action, or never
   * takes it, fails the scan; one that dies mid-scan is caught by the job's deadline.
   */
  private async waitForEnd(
    scanId: string,
    nodeId: string,
    actionId: string | null,
    signal: AbortSignal,
  ): Promise<StoredUpload> {
    const pollMs = this.o.pollMs ?? 2000;
    for (;;) {
      signal.throwIfAborted();
      const woken = new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.ends.off(scanId, done);
          signal.removeEventListener("abort", done);
          resolve();
        };
        const timer = setTimeout(done, pollMs);
        this.ends.on(scanId, done);
        signal.addEventListener("abort", done, { once: true });
      });
      const end = (await uploadsForScan(this.store, scanId)).find(
        (u) => u.nodeId === nodeId && (u.kind === "done" || u.kind === "failed"),
      );
      if (end) {
        this.ends.emit(scanId);
        return end;
      }
      if (actionId) {
        const action = await getAction(this.store, actionId);
        if (action?.state === "failed") {
          this.ends.emit(scanId);
          throw new Error(`the sensor did not take the scan: ${action.result ?? "refused"}`);
        }
      }
      await woken;
    }
  }

  private async dropInput(scanId: string): Promise<void> {
    const row = await this.store.db
      .selectFrom("scans")
      .select("input_path")
      .where("id", "=", scanId)
      .executeTakeFirst();
    if (!row?.input_path) return;
    await this.store.db.updateTable("scans").set({ input_path: null }).where("id", "=", scanId).execute();
    await rm(row.input_path, { force: true });
  }
}

const emptyResults = {
  source: null,
  summary: null,
  package_count: null,
  warnings: null,
  results_at: null,
  posture: null,
} as const;

function checkScanners(list: readonly string[]): Scanner[] {
  if (list.length === 0) throw new ScanError("invalid", `name at least one scanner: ${SCANNERS.join(", ")}`);
  for (const s of list)
    if (!(SCANNERS as readonly string[]).includes(s))
      throw new ScanError("invalid", `unknown scanner ${s}; available: ${SCANNERS.join(", ")}`);
  return [...new Set(list as Scanner[])];
}

/** A target name as users give it: printable, bounded. */
function checkName(name: string): string {
  const n = name.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (n.length === 0 || n.length > 1024 || /[\u0000-\u001f\u007f]/.test(n))
    throw new ScanError("invalid", "a target name is 1 to 1024 printable characters");
  return n;
}

function decodeScanCursor(cursor: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === "string" && typeof v[1] === "string") return [v[0], v[1]];
  } catch {
    // falls through
  }
  throw new ScanError("invalid", "invalid cursor: pass back the `next` value of the previous page unchanged");
}

/** What is wrong with an upload's content, checked before it is acknowledged (undefined: nothing). */
function uploadProblem(u: StoredUpload): string | undefined {
  try {
    if (u.kind === "sbom") detectSbomFormat(u.body.content);
    else checkContent(u);
    return undefined;
  } catch (e) {
    if (e instanceof SbomError || e instanceof SensorUploadError) return e.message;
    throw e;
  }
}

function failureOf(u: StoredUpload): string {
  const e = (u.body.content as { error?: unknown }).error;
  return typeof e === "string" && e ? e.slice(0, 4096) : "no reason given";
}

/** Progress as the job sees it, at most about once a second (each report is a store write). */
function progressReporter(ctx: JobContext): (fraction: number, message: string) => void {
  let last = 0;
  let inFlight: Promise<void> | undefined;
  return (fraction, message) => {
    const now = Date.now();
    if (inFlight || (now - last < 1000 && fraction < 1 && fraction > 0)) return;
    last = now;
    inFlight = ctx
      .progress(Math.min(1, fraction), message)
      .catch(() => undefined)
      .finally(() => {
        inFlight = undefined;
      });
  };
}
