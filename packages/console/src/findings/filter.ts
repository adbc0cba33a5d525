import type { Severity } from "@rampart/engine";
import { type Kysely, type SelectQueryBuilder, sql } from "kysely";
import type { FindingKind } from "../scans/tables.js";
import type { Database } from "../store/schema.js";

/** "open" is a finding nobody decided on, or whose decision expired. */
export const FINDING_STATUS_FILTERS = ["open", "accepted", "false-positive"] as const;
export type FindingStatus = (typeof FINDING_STATUS_FILTERS)[number];

/** Which findings to read. Without `scanId`, the latest scan with results of every target (the default view). */
export interface FindingFilter {
  /** One scan's results. */
  scanId?: string;
  /** One target (its latest scan, unless scanId is given too). */
  targetKey?: string;
  severity?: readonly Severity[];
  kind?: readonly FindingKind[];
  kev?: boolean;
  fixable?: boolean;
  nodeId?: string;
  /** Image reference, as the scan names it. */
  image?: string;
  /** A package name, or a purl when it starts with "pkg:". */
  package?: string;
  /** Vulnerability id (CVE, or the advisory's id when there is no CVE). */
  cve?: string;
  /** Default ["open"]: accepted and false-positive findings are hidden until asked for. */
  status?: readonly FindingStatus[];
}

type FindingsQuery = SelectQueryBuilder<
  Database & { f: Database["findings"]; s: Database["finding_states"]; t: Database["scan_targets"] },
  "f" | "s" | "t",
  object
>;

/**
 * findings f, with its state s when one is in force at `now` (an expired state is as good as none), restricted
 * to the filter. Every condition is on an indexed column of f.
 */
export function filtered(db: Kysely<Database>, filter: FindingFilter, now: string): FindingsQuery {
  let q = withState(db, now);
  if (filter.scanId !== undefined) q = q.where("f.scan_id", "=", filter.scanId);
  else q = q.innerJoin("scan_targets as t", "t.latest_scan_id", "f.scan_id") as unknown as FindingsQuery;
  if (filter.targetKey !== undefined) q = q.where("f.target_key", "=", filter.targetKey);
  if (filter.severity?.length) q = q.where("f.severity", "in", [...filter.severity]);
  if (filter.kind?.length) q = q.where("f.kind", "in", [...filter.kind]);
  if (filter.kev !== undefined) q = q.where("f.kev", "=", filter.kev ? 1 : 0);
  if (filter.fixable !== undefined) q = q.where("f.fixable", "=", filter.fixable ? 1 : 0);
  if (filter.nodeId !== undefined) q = q.where("f.node_id", "=", filter.nodeId);
  if (filter.image !== undefined) q = q.where("f.image_ref", "=", filter.image);
  if (filter.package !== undefined)
    q = filter.package.startsWith("pkg:")
      ? q.where("f.purl", "=", filter.package)
      : q.where("f.package_name", "=", filter.package);
  if (filter.cve !== undefined) q = q.where("f.cve_id", "=", filter.cve);
  const status = filter.status?.length ? filter.status : (["open"] as const);
  if (status.length < FINDING_STATUS_FILTERS.length)
    q = q.where((eb) =>
      eb.or(status.map((st) => (st === "open" ? eb("s.status", "is", null) : eb("s.status", "=", st)))),
    );
  return q;
}

/** Every finding f, with the decision s in force on it at `now` (none when it expired). */
export function withState(db: Kysely<Database>, now: string): FindingsQuery {
  return db.selectFrom("findings as f").leftJoin("finding_states as s", (j) =>
    j
      .onRef("s.fingerprint", "=", "f.fingerprint")
      .onRef("s.target_key", "=", "f.target_key")
      .on((eb) => eb.or([eb("s.expires_at", "is", null), eb("s.expires_at", ">", now)])),
  ) as unknown as FindingsQuery;
}

/** A column of f or s, for raw fragments (sort keys, aggregates). */
export const col = (name: string) => sql.ref(name);
