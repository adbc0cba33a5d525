import {
  type DeltaReport,
  itemKey,
  SECTIONS,
  type Section,
  type SectionItems,
  type Snapshot,
} from "@rampart/console/protocol";

type Changes = Omit<DeltaReport, "seq" | "kind" | "baseSeq" | "at">;

/**
 * What changed from `before` to `after`, per section: items whose key is new or whose content differs are
 * upserted, keys no longer present are removed. Undefined when nothing changed (no report needed).
 * Items compare by their JSON, which is stable because discovery builds them with fields in a fixed order.
 */
export function diffSnapshots(before: Snapshot, after: Snapshot): Changes | undefined {
  const out: Changes = {};
  let changed = false;
  if (JSON.stringify(before.host) !== JSON.stringify(after.host) && after.host) {
    out.host = after.host;
    changed = true;
  }
  for (const s of SECTIONS) {
    const change = diffSection(s, before[s], after[s]);
    if (change) {
      (out as Record<string, unknown>)[s] = change;
      changed = true;
    }
  }
  return changed ? out : undefined;
}

function diffSection<S extends Section>(
  section: S,
  before: SectionItems[S][],
  after: SectionItems[S][],
): { upsert?: SectionItems[S][]; remove?: string[] } | undefined {
  const old = new Map(before.map((i) => [itemKey(section, i), JSON.stringify(i)]));
  const upsert: SectionItems[S][] = [];
  const seen = new Set<string>();
  for (const item of after) {
    const key = itemKey(section, item);
    seen.add(key);
    if (old.get(key) !== JSON.stringify(item)) upsert.push(item);
  }
  const remove = [...old.keys()].filter((k) => !seen.has(k));
  if (!upsert.length && !remove.length) return undefined;
  return { ...(upsert.length ? { upsert } : {}), ...(remove.length ? { remove } : {}) };
}
