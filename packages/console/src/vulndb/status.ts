import { type DbStatus, VulnDb } from "@rampart/engine";

/**
 * A feed not imported for this long is flagged stale: the console refreshes every few hours, so a day
 * without a successful import means the refresh is failing (the CLI, refreshed by hand, warns after 7 days).
 */
export const STALE_AFTER_MS = 24 * 3600 * 1000;

export type VulnDbStatus =
  | { present: false; path: string; problem: string }
  | (Omit<DbStatus, "feeds"> & {
      present: true;
      feeds: (DbStatus["feeds"][number] & { ageSeconds: number; stale: boolean })[];
    });

/** What the console's vulnerability DB holds and how old each feed is (read fresh: the file is replaced on update). */
export function vulnDbStatus(dir: string, now = Date.now()): VulnDbStatus {
  let db: VulnDb;
  try {
    db = VulnDb.open(dir);
  } catch (e) {
    return { present: false, path: dir, problem: e instanceof Error ? e.message : String(e) };
  }
  try {
    const s = db.status();
    return {
      ...s,
      present: true,
      feeds: s.feeds.map((f) => {
        const age = now - Date.parse(f.importedAt);
        return { ...f, ageSeconds: Math.max(0, Math.round(age / 1000)), stale: age > STALE_AFTER_MS };
      }),
    };
  } finally {
    db.close();
  }
}
