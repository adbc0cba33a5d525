import type { Store } from "../store/open.js";
import { emptySnapshot } from "./keys.js";
import { type HostInfo, SECTIONS, type Section, type Snapshot } from "./report.js";

/** The stable order a section is served in. */
const ORDER: { [S in Section]?: (a: Snapshot[S][number], b: Snapshot[S][number]) => number } = {
  processes: (a, b) => a.pid - b.pid,
  inUse: (a, b) => a.pid - b.pid,
};

/**
 * A node's topology as of its last applied report, read back from its items (one query on the primary key).
 * Sections come back in key order (processes by pid); `host` is null before the first full report.
 */
export async function readSnapshot(
  store: Store,
  nodeId: string,
  sections: readonly Section[] = SECTIONS,
): Promise<Snapshot> {
  const rows = await store.db
    .selectFrom("topology_items")
    .select(["section", "body"])
    .where("node_id", "=", nodeId)
    .where("section", "in", ["host", ...sections])
    .orderBy("section")
    .orderBy("item_key")
    .execute();
  const snapshot = emptySnapshot();
  for (const r of rows) {
    if (r.section === "host") snapshot.host = JSON.parse(r.body) as HostInfo;
    else (snapshot[r.section as Section] as unknown[])?.push(JSON.parse(r.body));
  }
  for (const [s, by] of Object.entries(ORDER))
    (snapshot[s as Section] as unknown[]).sort(by as (a: unknown, b: unknown) => number);
  return snapshot;
}
