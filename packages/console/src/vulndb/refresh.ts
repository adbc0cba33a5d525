import { updateDb } from "@rampart/engine";
import type { JobQueue } from "../jobs/queue.js";
import { vulnDbStatus } from "./status.js";

export const REFRESH_JOB = "vulndb-refresh";

export interface RefreshSettings {
  dbDir: string;
  /** Feed mirror (directory or URL); default: the public sources. */
  from?: string;
  /** Hours between refreshes; 0 turns the schedule off (refresh on demand only). */
  everyHours: number;
  log?: (line: string) => void;
}

/** After a refresh was enqueued, the schedule waits this long before enqueueing another (failing feeds). */
const RETRY_GAP_MS = 15 * 60_000;

/**
 * Keeps the console's vulnerability DB fresh with a durable "vulndb-refresh" job. Stateless and crash-safe:
 * each console checks once a minute whether the DB is older than the schedule and enqueues a refresh when it
 * is; the singleton key keeps it to one queued or running refresh however many consoles share the database.
 * The update builds a new file and renames it over the old one, so scans running meanwhile are undisturbed.
 */
export class VulnDbRefresh {
  private lastEnqueued = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly jobs: JobQueue,
    private readonly s: RefreshSettings,
  ) {
    jobs.work(REFRESH_JOB, async () => {
      const res = await updateDb({
        dbDir: s.dbDir,
        ...(s.from ? { from: s.from } : {}),
        ...(s.log ? { log: s.log } : {}),
      });
      return { path: res.path, feeds: res.feeds };
    });
  }

  /** Enqueue a refresh now (or return the one already queued or running). */
  now(): Promise<string> {
    this.lastEnqueued = Date.now();
    return this.jobs.enqueue({
      kind: REFRESH_JOB,
      payload: {},
      deadlineSeconds: 3600,
      maxAttempts: 3,
      singletonKey: REFRESH_JOB,
    });
  }

  /** Whether the schedule wants a refresh, and if so enqueue it. */
  async tick(now = Date.now()): Promise<string | undefined> {
    if (this.s.everyHours <= 0 || now - this.lastEnqueued < RETRY_GAP_MS) return undefined;
    const status = vulnDbStatus(this.s.dbDir, now);
    const oldest = status.present ? Math.min(...status.feeds.map((f) => Date.parse(f.importedAt))) : 0;
    if (now - oldest < this.s.everyHours * 3600_000) return undefined;
    return this.now();
  }

  start(): void {
    void this.tick().catch((e) => this.s.log?.(`vulndb refresh: ${e instanceof Error ? e.message : e}`));
    this.timer = setInterval(() => void this.tick().catch(() => undefined), 60_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
