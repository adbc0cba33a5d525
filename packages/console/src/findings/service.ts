import { SEVERITIES, type Severity } from "@rampart/engine";
import { sql } from "kysely";
import type { FindingKind, FindingStatusName, FindingsTable } from "../scans/tables.js";
import type { Store } from "../store/open.js";
import { afterKey, decodeCursor, encodeCursor, type KeyValue } from "./cursor.js";
import { col, type FindingFilter, type FindingStatus, filtered, withState } from "./filter.js";

export const FINDING_SORTS = ["risk", "severity", "epss", "published"] as const;
export type FindingSort = (typeof FINDING_SORTS)[number];

export const GROUP_BYS = ["cve", "package", "node"] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

/** Each sort's key, descending, ending with the row id so the order is total. */
const SORT_KEYS: Record<FindingSort, { columns: string[]; kinds: ("n" | "s")[] }> = {
  risk: { columns: ["f.risk", "f.id"], kinds: ["n", "s"] },
  severity: { columns: ["f.severity_weight", "f.risk", "f.id"], kinds: ["n", "n", "s"] },
  epss: { columns: ["f.epss", "f.id"], kinds: ["n", "s"] },
  published: { columns: ["f.published", "f.id"], kinds: ["s", "s"] },
};

/** A decision in force on a finding. */
export interface FindingState {
  status: FindingStatusName;
  reason: string;
  expiresAt: string | null;
  by: string;
  at: string;
}

export interface FindingView {
  id: string;
  scanId: string;
  targetKey: string;
  kind: FindingKind;
  fingerprint: string;
  severity: string;
  risk: number;
  kev: boolean;
  epss: number | null;
  fixable: boolean;
  published: string | null;
  cve: string | null;
  package: { name: string; version: string; purl: string } | null;
  path: string | null;
  nodeId: string | null;
  imageRef: string | null;
  status: FindingStatus;
  state: FindingState | null;
  /** The engine's finding, whole: Finding, SecretFinding (masked) or MalwareFinding. */
  detail: unknown;
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export interface SeverityCounts {
  total: number;
  bySeverity: Record<Severity, number>;
  byKind: Record<FindingKind, number>;
}

export interface FindingGroup {
  key: string;
  /** Findings in the group. */
  count: number;
  maxRisk: number;
  /** The highest severity in the group. */
  severity: Severity;
  /** Distinct targets the group's findings are on. */
  targets: number;
  /** For package groups: the package. */
  package?: { name: string; version: string };
}

/** One side of a diff, light: enough to list it. */
export interface DiffEntry {
  fingerprint: string;
  findingId: string;
  kind: FindingKind;
  severity: string;
  risk: number;
  cve: string | null;
  package: string | null;
  version: string | null;
  path: string | null;
}

export interface ScanDiff {
  base: string;
  head: string;
  targetKey: string;
  /** In head, not in base. */
  new: DiffEntry[];
  /** In base, not in head. */
  fixed: DiffEntry[];
  /** In both (the head's rows). */
  unchanged: DiffEntry[];
}

/** Why a query cannot be answered; the routes turn these into 400/404. */
export class FindingsError extends Error {
  override name = "FindingsError";
  constructor(
    readonly reason: "not-found" | "invalid",
    message: string,
  ) {
    super(message);
  }
}

const SELECT = [
  "f.id",
  "f.scan_id",
  "f.target_key",
  "f.kind",
  "f.fingerprint",
  "f.severity",
  "f.severity_weight",
  "f.risk",
  "f.kev",
  "f.epss",
  "f.fixable",
  "f.published",
  "f.cve_id",
  "f.package_name",
  "f.package_version",
  "f.purl",
  "f.path",
  "f.node_id",
  "f.image_ref",
  "f.body",
  "s.status",
  "s.reason",
  "s.expires_at",
  "s.created_by as state_by",
  "s.created_at as state_at",
] as const;

/** A findings row joined with the decision on it (the selected columns above). */
type ViewRow = FindingsTable & {
  status: FindingStatusName | null;
  reason: string | null;
  expires_at: string | null;
  state_by: string | null;
  state_at: string | null;
};

function view(r: ViewRow): FindingView {
  return {
    id: r.id,
    scanId: r.scan_id,
    targetKey: r.target_key,
    kind: r.kind,
    fingerprint: r.fingerprint,
    severity: r.severity,
    risk: Number(r.risk),
    kev: Number(r.kev) === 1,
    epss: Number(r.epss) < 0 ? null : Number(r.epss),
    fixable: Number(r.fixable) === 1,
    published: r.published || null,
    cve: r.cve_id,
    package:
      r.package_name !== null && r.package_version !== null && r.purl !== null
        ? { name: r.package_name, version: r.package_version, purl: r.purl }
        : null,
    path: r.path,
    nodeId: r.node_id,
    imageRef: r.image_ref,
    status: r.status ?? "open",
    state:
      r.status !== null
        ? {
            status: r.status,
            reason: r.reason ?? "",
            expiresAt: r.expires_at,
            by: r.state_by ?? "",
            at: r.state_at ?? "",
          }
        : null,
    detail: JSON.parse(r.body),
  };
}

const severityOfWeight = (w: number): Severity => SEVERITIES[SEVERITIES.length - 1 - w] ?? "unknown";

/**
 * The query side of findings: lists (filtered, sorted, paged by cursor), counts, groups, diffs between two scans
 * of a target, and users' accepted / false-positive decisions. Decisions are matched to findings when read, with
 * the clock: one whose expiry has passed no longer hides its finding, without anything having to run.
 */
export class FindingsService {
  constructor(
    private readonly store: Store,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private now(): string {
    return this.clock().toISOString();
  }

  async list(
    filter: FindingFilter,
    page: { sort?: FindingSort; limit?: number; cursor?: string } = {},
  ): Promise<Page<FindingView>> {
    const sort = page.sort ?? "risk";
    const limit = page.limit ?? 50;
    const key = SORT_KEYS[sort];
    let q = filtered(this.store.db, filter, this.now()).select([...SELECT]);
    if (page.cursor !== undefined) {
      const after = decodeCursor(page.cursor, sort, key.kinds);
      q = q.where(afterKey(key.columns.map(col), after));
    }
    for (const c of key.columns) q = q.orderBy(col(c), "desc");
    const rows = (await q.limit(limit + 1).execute()) as unknown as ViewRow[];
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    const next =
      rows.length > limit && last
        ? encodeCursor(
            sort,
            key.columns.map((c) => {
              const v = last[c.slice(2) as keyof ViewRow] as KeyValue;
              return key.kinds[key.columns.indexOf(c)] === "n" ? Number(v) : v;
            }),
          )
        : null;
    return { items: items.map(view), next };
  }

  /** One finding, of any scan, with the decision in force on it. */
  async get(id: string): Promise<FindingView | undefined> {
    const row = await withState(this.store.db, this.now())
      .select([...SELECT])
      .where("f.id", "=", id)
      .executeTakeFirst();
    return row ? view(row as unknown as ViewRow) : undefined;
  }

  async counts(filter: FindingFilter): Promise<SeverityCounts> {
    const rows = await filtered(this.store.db, filter, this.now())
      .select(["f.severity", "f.kind", sql<number | string>`count(*)`.as("n")])
      .groupBy(["f.severity", "f.kind"])
      .execute();
    const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
    const byKind: Record<FindingKind, number> = { vuln: 0, secret: 0, malware: 0, posture: 0 };
    let total = 0;
    for (const r of rows) {
      const n = Number(r.n);
      total += n;
      bySeverity[r.severity as Severity] = (bySeverity[r.severity as Severity] ?? 0) + n;
      byKind[r.kind] += n;
    }
    return { total, bySeverity, byKind };
  }

  /** Findings grouped by vulnerability, package (purl) or node, the riskiest groups first, paged by cursor. */
  async groups(
    filter: FindingFilter,
    by: GroupBy,
    page: { limit?: number; cursor?: string } = {},
  ): Promise<Page<FindingGroup>> {
    const limit = page.limit ?? 50;
    const keyCol = by === "cve" ? "f.cve_id" : by === "package" ? "f.purl" : "f.node_id";
    const maxRisk = sql<number>`max(f.risk)`;
    let q = filtered(this.store.db, filter, this.now())
      .where(col(keyCol), "is not", null)
      .select([
        sql<string>`${col(keyCol)}`.as("key"),
        sql<number | string>`count(*)`.as("n"),
        maxRisk.as("max_risk"),
        sql<number>`max(f.severity_weight)`.as("weight"),
        sql<number | string>`count(distinct f.target_key)`.as("targets"),
        sql<string | null>`min(f.package_name)`.as("name"),
        sql<string | null>`min(f.package_version)`.as("version"),
      ])
      .groupBy(col(keyCol));
    if (page.cursor !== undefined) {
      const after = decodeCursor(page.cursor, `group:${by}`, ["n", "s"]);
      q = q.having(afterKey([maxRisk, col(keyCol)], after));
    }
    const rows = await q
      .orderBy(maxRisk, "desc")
      .orderBy(col(keyCol), "desc")
      .limit(limit + 1)
      .execute();
    const items = rows.slice(0, limit).map(
      (r): FindingGroup => ({
        key: r.key,
        count: Number(r.n),
        maxRisk: Number(r.max_risk),
        severity: severityOfWeight(Number(r.weight)),
        targets: Number(r.targets),
        ...(by === "package" && r.name !== null && r.version !== null
          ? { package: { name: r.name, version: r.version } }
          : {}),
      }),
    );
    const last = items[items.length - 1];
    return { items, next: rows.length > limit && last ? encodeCursor(`group:${by}`, [last.maxRisk, last.key]) : null };
  }

  /** What changed between two scans of one target, by fingerprint. */
  async diff(baseScanId: string, headScanId: string): Promise<ScanDiff> {
    const scans = await this.store.db
      .selectFrom("scans")
      .select(["id", "target_key", "results_at"])
      .where("id", "in", [baseScanId, headScanId])
      .execute();
    const base = scans.find((s) => s.id === baseScanId);
    const head = scans.find((s) => s.id === headScanId);
    if (!base) throw new FindingsError("not-found", `scan ${baseScanId} not found`);
    if (!head) throw new FindingsError("not-found", `scan ${headScanId} not found`);
    for (const s of [base, head])
      if (s.results_at === null) throw new FindingsError("invalid", `scan ${s.id} has no results yet`);
    if (base.target_key !== head.target_key)
      throw new FindingsError(
        "invalid",
        `scans ${base.id} and ${head.id} are of different targets (${base.target_key}, ${head.target_key})`,
      );
    const entries = async (scanId: string) =>
      new Map(
        (
          await this.store.db
            .selectFrom("findings")
            .select([
              "fingerprint",
              "id",
              "kind",
              "severity",
              "risk",
              "cve_id",
              "package_name",
              "package_version",
              "path",
            ])
            .where("scan_id", "=", scanId)
            .orderBy("risk", "desc")
            .orderBy("id", "desc")
            .execute()
        ).map((r) => [
          r.fingerprint,
          {
            fingerprint: r.fingerprint,
            findingId: r.id,
            kind: r.kind,
            severity: r.severity,
            risk: Number(r.risk),
            cve: r.cve_id,
            package: r.package_name,
            version: r.package_version,
            path: r.path,
          } satisfies DiffEntry,
        ]),
      );
    const [before, after] = await Promise.all([entries(base.id), entries(head.id)]);
    return {
      base: base.id,
      head: head.id,
      targetKey: head.target_key ?? "",
      new: [...after.values()].filter((e) => !before.has(e.fingerprint)),
      fixed: [...before.values()].filter((e) => !after.has(e.fingerprint)),
      unchanged: [...after.values()].filter((e) => before.has(e.fingerprint)),
    };
  }

  /**
   * Marks a finding (and every later finding with its fingerprint on its target) accepted or a false positive,
   * until `expiresAt` if given. Replaces the decision in force, if any.
   */
  async setState(
    findingId: string,
    s: { status: FindingStatusName; reason: string; expiresAt?: string; by: string },
  ): Promise<FindingState> {
    const f = await this.decisionKey(findingId);
    const at = this.now();
    if (s.expiresAt !== undefined && !(Date.parse(s.expiresAt) > Date.parse(at)))
      throw new FindingsError("invalid", "expiresAt must be a time in the future");
    const expiresAt = s.expiresAt === undefined ? null : new Date(s.expiresAt).toISOString();
    const values = { status: s.status, reason: s.reason, expires_at: expiresAt, created_by: s.by, created_at: at };
    await this.store.db
      .insertInto("finding_states")
      .values({ fingerprint: f.fingerprint, target_key: f.target_key, ...values })
      .onConflict((oc) => oc.columns(["fingerprint", "target_key"]).doUpdateSet(values))
      .execute();
    return { status: s.status, reason: s.reason, expiresAt, by: s.by, at };
  }

  /** What a decision on a finding is keyed on: its fingerprint on its target. */
  private async decisionKey(findingId: string): Promise<{ fingerprint: string; target_key: string }> {
    const f = await this.store.db
      .selectFrom("findings")
      .select(["fingerprint", "target_key"])
      .where("id", "=", findingId)
      .executeTakeFirst();
    if (!f) throw new FindingsError("not-found", `finding ${findingId} not found`);
    return f;
  }

  /** Removes the decision on a finding: it is open again. False when there was none. */
  async revokeState(findingId: string): Promise<boolean> {
    const f = await this.decisionKey(findingId);
    const r = await this.store.db
      .deleteFrom("finding_states")
      .where("fingerprint", "=", f.fingerprint)
      .where("target_key", "=", f.target_key)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
