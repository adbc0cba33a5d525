import type { Store } from "../store/open.js";
import { type AckResult, ActionWaiters, ackAction, claimActions, pruneActions, type SensorAction } from "./actions.js";
import { type IngestResult, ingestReport } from "./ingest.js";
import { type NodeRecord, type Registration, registerNode, sweepOffline, touchNode } from "./nodes.js";
import type { Report } from "./report.js";
import { pruneUploads, type StoredUpload, type StoreUploadResult, storeUpload, type UploadBody } from "./uploads.js";

export interface SensorSettings {
  /** How often sensors are told to heartbeat. */
  heartbeatSeconds: number;
  /** Not seen for this long: offline (default 3 heartbeats). */
  offlineAfterSeconds: number;
  /** A delivered action not acknowledged in this time is delivered again. */
  redeliverAfterSeconds: number;
  /** Deliveries before an unacknowledged action fails. */
  maxDeliveries: number;
  /** How often waiting long-polls check the store for actions enqueued by other consoles. */
  actionCheckMs: number;
  /** Finished actions and processed uploads are deleted after this long. */
  retainSeconds: number;
}

export const DEFAULT_SENSOR_SETTINGS: SensorSettings = {
  heartbeatSeconds: 30,
  offlineAfterSeconds: 90,
  redeliverAfterSeconds: 120,
  maxDeliveries: 5,
  actionCheckMs: 1000,
  retainSeconds: 7 * 24 * 3600,
};

/**
 * Called after an upload is stored, before it is acknowledged. It must be idempotent: it runs again for a
 * retry of an upload it has not marked processed, and the scans side runs it over `unprocessedUploads` on
 * start. The upload is stored whatever the hook does; an UploadRejectedError it throws is the sensor's
 * answer (400), any other error is the console's problem (logged; the sensor gets its acknowledgement).
 */
export type UploadHook = (upload: StoredUpload) => Promise<void>;

/** Thrown by an upload hook for an upload that can never be used (e.g. naming another node's scan). */
export class UploadRejectedError extends Error {
  override name = "UploadRejectedError";
}

/** The longest a sensor's action long-poll may wait (seconds). */
export const MAX_WAIT_SECONDS = 30;

/**
 * The console side of the sensor protocol: registration, heartbeats, reports, action long-polls, uploads,
 * and the periodic sweep (offline marking, pruning). Routes call it; `start`/`stop` run the sweep and end
 * long-polls on shutdown.
 */
export class SensorService {
  readonly settings: SensorSettings;
  private readonly waiters: ActionWaiters;
  private onUpload: UploadHook = async () => {};
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    readonly store: Store,
    settings: Partial<SensorSettings> = {},
  ) {
    const heartbeatSeconds = settings.heartbeatSeconds ?? DEFAULT_SENSOR_SETTINGS.heartbeatSeconds;
    this.settings = {
      ...DEFAULT_SENSOR_SETTINGS,
      offlineAfterSeconds: 3 * heartbeatSeconds,
      ...settings,
    };
    this.waiters = new ActionWaiters(store, this.settings, this.settings.actionCheckMs);
  }

  /** The scans side's handler for uploads (default: none). */
  setUploadHook(hook: UploadHook): void {
    this.onUpload = hook;
  }

  register(by: { keyId: string; userId: string }, r: Registration): Promise<{ node: NodeRecord; created: boolean }> {
    return registerNode(this.store, by, r);
  }

  heartbeat(nodeId: string, agentVersion?: string): Promise<{ lastSeq: number } | undefined> {
    return touchNode(this.store, nodeId, agentVersion);
  }

  report(nodeId: string, report: Report): Promise<IngestResult> {
    return ingestReport(this.store, nodeId, report);
  }

  /**
   * The node's deliverable actions, at once if there are any; else waits up to `waitSeconds` (at most 30) for
   * one, and returns what arrived or nothing. Ends early, empty, on `signal` or when the service stops.
   * Undefined for an unknown node.
   */
  async pullActions(nodeId: string, waitSeconds: number, signal?: AbortSignal): Promise<SensorAction[] | undefined> {
    const known = await this.store.db.selectFrom("nodes").select("id").where("id", "=", nodeId).executeTakeFirst();
    if (!known) return undefined;
    const deadline = Date.now() + Math.min(Math.max(waitSeconds, 0), MAX_WAIT_SECONDS) * 1000;
    for (;;) {
      const armed = this.waiters.arm(nodeId);
      const actions = await claimActions(this.store, nodeId, this.settings).catch((e: unknown) => {
        armed.cancel();
        throw e;
      });
      const left = deadline - Date.now();
      if (actions.length > 0 || left <= 0 || signal?.aborted || this.stopped) {
        armed.cancel();
        return actions;
      }
      await armed.wait(left, signal);
    }
  }

  ackAction(nodeId: string, actionId: string, outcome: "done" | "failed", message?: string): Promise<AckResult> {
    return ackAction(this.store, nodeId, actionId, outcome, message);
  }

  /**
   * Stores the upload, then hands it to the upload hook (a retry of an unprocessed upload runs the hook
   * again). `hookError` is set when the hook failed: the upload is stored and will be processed again later.
   */
  async upload(
    nodeId: string,
    uploadId: string,
    body: UploadBody,
  ): Promise<{ result: StoreUploadResult; hookError?: unknown }> {
    const result = await storeUpload(this.store, nodeId, uploadId, body);
    if ((result.status === "stored" || result.status === "repeat") && result.upload.processedAt === null) {
      try {
        await this.onUpload(result.upload);
      } catch (hookError) {
        return { result, hookError };
      }
    }
    return { result };
  }

  /** Marks silent nodes offline and prunes what is past retention. Returns the nodes it marked offline. */
  async sweep(now = new Date()): Promise<{ offline: string[]; prunedActions: number; prunedUploads: number }> {
    const offline = await sweepOffline(this.store, this.settings.offlineAfterSeconds, now);
    const prunedActions = await pruneActions(this.store, this.settings.retainSeconds, now);
    const prunedUploads = await pruneUploads(this.store, this.settings.retainSeconds, now);
    return { offline, prunedActions, prunedUploads };
  }

  /** Runs the sweep every heartbeat interval until `stop`. Errors are passed to `onError` (default: ignored). */
  start(onError: (e: unknown) => void = () => {}): void {
    if (this.sweepTimer || this.stopped) return;
    this.sweepTimer = setInterval(() => {
      if (this.sweeping) return;
      this.sweeping = this.sweep()
        .catch(onError)
        .finally(() => {
          this.sweeping = undefined;
        });
    }, this.settings.heartbeatSeconds * 1000);
    this.sweepTimer.unref();
  }

  /** Stops the sweep and ends every waiting long-poll (empty), so the console can close at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    this.waiters.close();
    await this.sweeping;
  }

  /** Long-polls waiting now (for diagnostics and tests). */
  get waiting(): number {
    return this.waiters.size;
  }
}
