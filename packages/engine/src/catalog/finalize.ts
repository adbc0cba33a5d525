import type { Distro } from "../package/distro.js";
import type { Location, Package } from "../package/package.js";
import { purlFor } from "../package/purl.js";
import type { CatalogedPackage } from "./layer-result.js";

const locationKey = (l: Location) => `${l.layer ?? ""}\0${l.path}\0${(l.member ?? []).join("\0")}`;

/**
 * Turns the surviving cataloged packages into the inventory's packages: one per purl, every location kept
 * (lowest layer first), catalogers that agree merged. Sorted by purl so output is stable.
 */
export function finalizePackages(
  found: Iterable<CatalogedPackage>,
  distro: Distro | undefined,
  layerOrder: readonly string[] = [],
  warn: (message: string) => void = () => {},
): Package[] {
  const byPurl = new Map<string, Package>();
  const rank = (l: Location) => (l.layer ? layerOrder.indexOf(l.layer) : -1);
  for (const p of found) {
    let purl: string;
    try {
      purl = purlFor(p, distro);
    } catch (e) {
      // e.g. a jar that names no Maven group: without one there is no valid purl to match advisories by
      warn(`${p.location.path}: ${p.type} package ${p.name}@${p.version} left out: ${(e as Error).message}`);
      continue;
    }
    const { location, foundBy, ...rest } = p;
    const existing = byPurl.get(purl);
    if (!existing) {
      byPurl.set(purl, { ...rest, purl, foundBy: [foundBy], locations: [location] });
      continue;
    }
    if (!existing.foundBy.includes(foundBy)) existing.foundBy.push(foundBy);
    if (!existing.locations.some((l) => locationKey(l) === locationKey(location))) existing.locations.push(location);
    existing.licenses ??= rest.licenses;
    existing.source ??= rest.source;
    if (rest.metadata) existing.metadata = { ...rest.metadata, ...existing.metadata };
  }
  const out = [...byPurl.values()];
  for (const p of out) p.locations.sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path));
  return out.sort((a, b) => (a.purl < b.purl ? -1 : a.purl > b.purl ? 1 : 0));
}
