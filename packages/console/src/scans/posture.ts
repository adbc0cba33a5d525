import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";
import type { PostureSummaryBody, ScanSummary } from "./rows.js";
import type { TargetKind } from "./tables.js";

/** One target's latest posture scan, at a glance. */
export interface TargetPosture {
  targetKey: string;
  targetKind: TargetKind;
  targetRef: string;
  nodeId: string | null;
  scanId: string;
  scannedAt: string;
  posture: PostureSummaryBody;
}

/** A framework across the estate: requirements passed and failed, summed over targets. */
export interface EstateFramework {
  id: string;
  title: string;
  passed: number;
  failed: number;
  notApplicable: number;
  /** passed / (passed + failed) × 100 over every target; absent when nothing applied anywhere. */
  score?: number;
  targets: number;
}

/**
 * The estate's posture: each target's latest scan that ran the posture scanner (a later scan without it does
 * not hide it), and each framework's score summed over them. Reads the scans' summaries, never the documents.
 */
export async function postureOverview(
  db: Kysely<Database>,
): Promise<{ targets: TargetPosture[]; frameworks: EstateFramework[] }> {
  const latest = db
    .selectFrom("scans")
    .select(["target_key", (eb) => eb.fn.max("created_at").as("at")])
    .where("posture", "is not", null)
    .where("target_key", "is not", null)
    .groupBy("target_key")
    .as("l");
  const rows = await db
    .selectFrom("scans as s")
    .innerJoin(latest, (j) => j.onRef("l.target_key", "=", "s.target_key").onRef("l.at", "=", "s.created_at"))
    .select(["s.id", "s.target_key", "s.target_kind", "s.target_ref", "s.node_id", "s.created_at", "s.summary"])
    .where("s.posture", "is not", null)
    .orderBy("s.target_ref")
    .execute();
  const targets: TargetPosture[] = [];
  const byFramework = new Map<string, EstateFramework>();
  for (const r of rows) {
    const posture = r.summary ? (JSON.parse(r.summary) as ScanSummary).posture : undefined;
    if (!posture) continue;
    targets.push({
      targetKey: r.target_key as string,
      targetKind: r.target_kind,
      targetRef: r.target_ref,
      nodeId: r.node_id,
      scanId: r.id,
      scannedAt: r.created_at,
      posture,
    });
    for (const f of posture.frameworks) {
      const e = byFramework.get(f.id) ?? {
        id: f.id,
        title: f.title,
        passed: 0,
        failed: 0,
        notApplicable: 0,
        targets: 0,
      };
      e.passed += f.passed;
      e.failed += f.failed;
      e.notApplicable += f.notApplicable;
      e.targets++;
      byFramework.set(f.id, e);
    }
  }
  const frameworks = [...byFramework.values()].map((f) =>
    f.passed + f.failed > 0 ? { ...f, score: Math.round((f.passed / (f.passed + f.failed)) * 1000) / 10 } : f,
  );
  return { targets, frameworks };
}
