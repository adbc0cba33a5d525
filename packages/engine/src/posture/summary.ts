import type { ControlStatus, PostureReport } from "./control.js";

export type PostureSummary = Record<ControlStatus, number>;

/** How many controls ended in each status. */
export function postureSummary(p: Pick<PostureReport, "results">): PostureSummary {
  const out: PostureSummary = { pass: 0, fail: 0, "not-applicable": 0, error: 0 };
  for (const r of p.results) out[r.status]++;
  return out;
}
