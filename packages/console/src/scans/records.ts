import type { InventorySource } from "@rampart/engine";
import type { JobState } from "../jobs/queue.js";
import type { ScanSummary } from "./rows.js";
import type { Scanner, ScansTable, TargetKind } from "./tables.js";

/** A scan as the API shows it: the scan row with its job's state. */
export interface ScanRecord {
  id: string;
  target: { kind: TargetKind; ref: string; key: string | null; nodeId: string | null };
  scanners: Scanner[];
  /** The job's state; "queued" for a scan whose job is not created yet (a sensor's own scan, for an instant). */
  state: JobState;
  /** 0..1 */
  progress: number;
  message: string | null;
  /** Why the scan failed: the engine's message (a bad archive or SBOM) or the deadline. */
  error: string | null;
  attempts: number;
  jobId: string | null;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Set once the results are stored (they are stored with the job's completion). */
  summary: ScanSummary | null;
  packageCount: number | null;
  source: InventorySource | null;
  warnings: string[];
}

const parse = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

/** The job columns a scan is shown with (null when the scan has no job yet). */
export interface ScanJobColumns {
  job_state: JobState | null;
  job_progress: number | null;
  job_message: string | null;
  job_error: string | null;
  job_attempts: number | null;
  job_started_at: string | null;
  job_finished_at: string | null;
}

export function toScanRecord(row: ScansTable & ScanJobColumns): ScanRecord {
  return {
    id: row.id,
    target: { kind: row.target_kind, ref: row.target_ref, key: row.target_key, nodeId: row.node_id },
    scanners: JSON.parse(row.scanners) as Scanner[],
    state: row.job_state ?? "queued",
    progress: Number(row.job_progress ?? 0),
    message: row.job_message,
    error: row.job_error,
    attempts: Number(row.job_attempts ?? 0),
    jobId: row.job_id,
    createdBy: row.created_by,
    createdAt: row.created_at,
    startedAt: row.job_started_at,
    finishedAt: row.job_finished_at,
    summary: parse<ScanSummary>(row.summary),
    packageCount: row.package_count === null ? null : Number(row.package_count),
    source: parse<InventorySource>(row.source),
    warnings: parse<string[]>(row.warnings) ?? [],
  };
}
