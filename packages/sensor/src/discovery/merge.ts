import { emptySnapshot, SECTIONS, type Snapshot } from "@rampart/console/protocol";
import type { Discovered, Discoverer, DiscoveryContext } from "./discoverer.js";

/**
 * One topology pass: every discoverer at once, their sections joined into one snapshot. A discoverer that
 * fails is reported and left out (the others still count). Then what only the whole can tell: a container's
 * processes are those whose cgroup names it (the engine gives only its main pid).
 */
export async function discover(discoverers: readonly Discoverer[], ctx: DiscoveryContext): Promise<Snapshot> {
  const snapshot = emptySnapshot();
  const found = await Promise.all(
    discoverers.map((d) =>
      d.discover(ctx).catch((e: unknown): Discovered => {
        ctx.warn(`${d.name}: ${e instanceof Error ? e.message : String(e)}`);
        return {};
      }),
    ),
  );
  for (const part of found) {
    if (part.host) snapshot.host = part.host;
    for (const s of SECTIONS) {
      const items = part[s];
      if (items?.length) (snapshot[s] as unknown[]).push(...items);
    }
  }
  attributeProcesses(snapshot);
  return snapshot;
}

function attributeProcesses(snapshot: Snapshot): void {
  const byContainer = new Map<string, number[]>();
  for (const p of snapshot.processes) {
    if (!p.containerId) continue;
    const pids = byContainer.get(p.containerId);
    if (pids) pids.push(p.pid);
    else byContainer.set(p.containerId, [p.pid]);
  }
  for (const c of snapshot.containers) {
    const pids = byContainer.get(c.id);
    if (!pids) continue;
    c.pids = [...new Set([...(c.pids ?? []), ...pids])].sort((a, b) => a - b).slice(0, 10_000);
  }
}
