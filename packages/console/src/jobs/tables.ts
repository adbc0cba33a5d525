import type { JobState } from "./queue.js";

/** The job table as Kysely sees it (portable types: text ids, ISO UTC text times, 0/1 ints, JSON text). */
export interface JobTables {
  jobs: JobsTable;
}

export interface JobsTable {
  id: string;
  kind: string;
  /** JSON text. */
  payload: string;
  state: JobState;
  /** Attempts started so far (an attempt put back by a stopping console is not counted). */
  attempts: number;
  max_attempts: number;
  deadline_seconds: number;
  /** Not claimed before this time (retry back-off, scheduled work). */
  run_after: string;
  /** While running: the holder's lease; past it, the holder is presumed dead and the job is taken back. */
  lease_until: string | null;
  /** Which console process holds it. */
  worker: string | null;
  progress: number;
  message: string | null;
  error: string | null;
  /** JSON text. */
  result: string | null;
  singleton_key: string | null;
  /** The console instance that alone may run it (its input is in that console's data directory). */
  pinned_to: string | null;
  cancel_requested: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}
