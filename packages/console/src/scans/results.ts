import type { InventorySource } from "@rampart/engine";
import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";
import { findingRows, postureSummaryOf, type ScanResults, type ScanSummary, summarize } from "./rows.js";
import type { FindingsTable, Scanner, TargetKind } from "./tables.js";

/** Rows per INSERT: well under SQLite's and PostgreSQL's bound-parameter limits at 21 columns a row. */
const BATCH = 400;

export interface StoredResults {
  scanId: string;
  targetKind: TargetKind;
  targetKey: string;
  targetRef: string;
  nodeId: string | null;
  imageRef: string | null;
  createdAt: string;
  source: InventorySource | null;
  packageCount: number;
  warnings: string[];
  results: ScanResults;
  /** Which scanners ran, when only the results tell (a scan a sensor started on its own). */
  scanners?: Scanner[];
}

/** A scan's results ready to write: the rows and summary are computed before the transaction opens. */
export interface PreparedResults {
  summary: ScanSummary;
  /** Writes them through `db` — the transaction that completes the job. */
  write(db: Kysely<Database>): Promise<void>;
}

/**
 * Prepares a scan's findings and summary; `write` stores them and makes the scan its target's latest (unless a
 * newer scan of the target already has results). Idempotent: written again for the same scan (a replayed sensor
 * upload, a retried attempt), it keeps the rows already there (one per fingerprint and scan) and ends in the
 * same state.
 */
export function prepareResults(r: StoredResults): PreparedResults {
  const rows = findingRows(
    { scanId: r.scanId, targetKey: r.targetKey, nodeId: r.nodeId, imageRef: r.imageRef },
    r.results,
  );
  const summary: ScanSummary = {
    ...summarize(rows),
    ...(r.results.posture ? { posture: postureSummaryOf(r.results.posture) } : {}),
  };
  return { summary, write: (db) => writeResults(db, r, rows, summary) };
}

/** prepareResults and write, through `db`. */
export async function storeResults(db: Kysely<Database>, r: StoredResults): Promise<ScanSummary> {
  const prepared = prepareResults(r);
  await prepared.write(db);
  return prepared.summary;
}

async function writeResults(
  db: Kysely<Database>,
  r: StoredResults,
  rows: FindingsTable[],
  summary: ScanSummary,
): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH)
    await db
      .insertInto("findings")
      .values(rows.slice(i, i + BATCH))
      .onConflict((oc) => oc.columns(["scan_id", "fingerprint"]).doNothing())
      .execute();
  const at = new Date().toISOString();
  await db
    .updateTable("scans")
    .set({
      target_key: r.targetKey,
      target_ref: r.targetRef,
      source: r.source ? JSON.stringify(r.source) : null,
      summary: JSON.stringify(summary),
      package_count: r.packageCount,
      warnings: JSON.stringify(r.warnings),
      results_at: at,
      input_path: null,
      posture: r.results.posture ? JSON.stringify(r.results.posture) : null,
      ...(r.scanners ? { scanners: JSON.stringify(r.scanners) } : {}),
    })
    .where("id", "=", r.scanId)
    .execute();
  await db
    .insertInto("scan_targets")
    .values({
      target_key: r.targetKey,
      target_kind: r.targetKind,
      target_ref: r.targetRef,
      node_id: r.nodeId,
      latest_scan_id: r.scanId,
      latest_created_at: r.createdAt,
    })
    .onConflict((oc) =>
      oc
        .column("target_key")
        .doUpdateSet((eb) => ({
          target_ref: eb.ref("excluded.target_ref"),
          latest_scan_id: eb.ref("excluded.latest_scan_id"),
          latest_created_at: eb.ref("excluded.latest_created_at"),
        }))
        // A retried older scan that finishes late does not replace a newer one.
        .where("scan_targets.latest_created_at", "<=", r.createdAt),
    )
    .execute();
}
