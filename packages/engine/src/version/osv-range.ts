import type { OsvAffected, OsvEvent, OsvRange } from "../vulndb/osv.js";
import type { VersionScheme } from "./scheme.js";
import { semver } from "./semver.js";

/**
 * OSV range evaluation, as the schema's "Evaluation" pseudocode defines it
 * (https://ossf.github.io/osv-schema/#evaluation): a version is affected when it equals one of `versions` or
 * lies in any SEMVER/ECOSYSTEM range. Within a range the events are sorted by version ("introduced: 0" first)
 * and walked in order: introduced <= v turns it on, fixed <= v and last_affected < v turn it off. `limit`
 * events bound the whole range (v must be below at least one; "*" is infinity). GIT ranges need commits we do
 * not have and are skipped. A package version the scheme cannot parse is never affected (the caller should
 * warn). An event version the scheme cannot parse (feeds hold a few, e.g. Alpine "1.9.5p2-r0") is still placed
 * by the scheme's compare, which orders any string deterministically the way the ecosystem's tool does as far
 * as it can (apk and dpkg compare such strings token by token too).
 */
export type AffectedVersions = Pick<OsvAffected, "ranges" | "versions">;

type Kind = "introduced" | "fixed" | "last_affected" | "limit";

interface Event {
  kind: Kind;
  version: string;
  /** Position in the record, so that events at equal versions keep their written order. */
  index: number;
}

function eventOf(e: OsvEvent, index: number): Event | undefined {
  if ("introduced" in e && typeof e.introduced === "string")
    return { kind: "introduced", version: e.introduced, index };
  if ("fixed" in e && typeof e.fixed === "string") return { kind: "fixed", version: e.fixed, index };
  if ("last_affected" in e && typeof e.last_affected === "string")
    return { kind: "last_affected", version: e.last_affected, index };
  if ("limit" in e && typeof e.limit === "string") return { kind: "limit", version: e.limit, index };
  return undefined;
}

const isZero = (e: Event) => e.kind === "introduced" && e.version === "0";
const isInfinity = (e: Event) => e.kind === "limit" && e.version.includes("*");

/** SEMVER ranges are SemVer 2.0 whatever the ecosystem; ECOSYSTEM ranges use the ecosystem's scheme. */
function schemeFor(range: OsvRange, scheme: VersionScheme): VersionScheme | undefined {
  if (range.type === "SEMVER") return semver;
  if (range.type === "ECOSYSTEM") return scheme;
  return undefined;
}

/** Sorted events per range and scheme: the matcher evaluates the same (cached) ranges for many packages. */
const sortedCache = new WeakMap<OsvRange, Map<VersionScheme, Event[]>>();

/** The range's events in evaluation order. */
function sortedEvents(range: OsvRange, s: VersionScheme): Event[] {
  let byScheme = sortedCache.get(range);
  if (!byScheme) {
    byScheme = new Map();
    sortedCache.set(range, byScheme);
  }
  let events = byScheme.get(s);
  if (!events) {
    events = sortEvents(range, s);
    byScheme.set(s, events);
  }
  return events;
}

function sortEvents(range: OsvRange, s: VersionScheme): Event[] {
  const events: Event[] = [];
  for (const [i, raw] of (Array.isArray(range.events) ? range.events : []).entries()) {
    const e = raw && typeof raw === "object" ? eventOf(raw, i) : undefined;
    if (e) events.push(e);
  }
  return events.sort((a, b) => {
    if (isZero(a) || isZero(b)) return isZero(a) && isZero(b) ? a.index - b.index : isZero(a) ? -1 : 1;
    if (isInfinity(a) || isInfinity(b))
      return isInfinity(a) && isInfinity(b) ? a.index - b.index : isInfinity(a) ? 1 : -1;
    return s.compare(a.version, b.version) || a.index - b.index;
  });
}

function beforeLimits(v: string, events: Event[], s: VersionScheme): boolean {
  const limits = events.filter((e) => e.kind === "limit");
  if (limits.length === 0) return true;
  return limits.some((e) => isInfinity(e) || s.compare(v, e.version) < 0);
}

/** Walks one range; returns whether v is inside it and the events that follow v. */
function evaluate(v: string, range: OsvRange, scheme: VersionScheme): { inside: boolean; later: Event[] } | undefined {
  const s = schemeFor(range, scheme);
  if (!s?.valid(v)) return undefined;
  const events = sortedEvents(range, s);
  let vulnerable = false;
  const later: Event[] = [];
  for (const e of events) {
    if (e.kind === "introduced") {
      if (isZero(e) || s.compare(v, e.version) >= 0) vulnerable = true;
      else later.push(e);
    } else if (e.kind === "fixed") {
      if (s.compare(v, e.version) >= 0) vulnerable = false;
      else later.push(e);
    } else if (e.kind === "last_affected") {
      if (s.compare(v, e.version) > 0) vulnerable = false;
    }
  }
  return { inside: vulnerable && beforeLimits(v, events, s), later };
}

function inVersions(v: string, versions: unknown, scheme: VersionScheme): boolean {
  if (!Array.isArray(versions)) return false;
  const valid = scheme.valid(v);
  return versions.some(
    (x) => typeof x === "string" && (x === v || (valid && scheme.valid(x) && scheme.compare(v, x) === 0)),
  );
}

export function isAffected(version: string, affected: AffectedVersions, scheme: VersionScheme): boolean {
  if (inVersions(version, affected.versions, scheme)) return true;
  for (const range of affected.ranges ?? []) {
    if (evaluate(version, range, scheme)?.inside) return true;
  }
  return false;
}

/**
 * The fixes of the intervals that contain `version`, one per range that contains it (the "fixed" event that
 * ends its interval), sorted ascending and de-duplicated. Empty when no range contains it or its interval
 * has no fix.
 */
export function fixedVersionsFor(version: string, affected: AffectedVersions, scheme: VersionScheme): string[] {
  const fixes = new Map<string, VersionScheme>();
  for (const range of affected.ranges ?? []) {
    const r = evaluate(version, range, scheme);
    if (!r?.inside) continue;
    const s = schemeFor(range, scheme) ?? scheme;
    // The fix that closes the interval `version` is in: the first later event, when it is a fix. Fixes of
    // later intervals (Django's 3.0.3 for a 2.2.0 install whose line was fixed in 2.2.10) are not its fix.
    const next = r.later[0];
    if (next?.kind === "fixed" && !fixes.has(next.version)) fixes.set(next.version, s);
  }
  return [...fixes.keys()].sort((a, b) => {
    const s = fixes.get(a) ?? scheme;
    return (s.valid(b) ? s.compare(a, b) : 0) || (a < b ? -1 : a > b ? 1 : 0);
  });
}
