import { SEVERITIES } from "@rampart/engine";
import { type Static, Type } from "typebox";
import { CursorError } from "../findings/cursor.js";
import { FINDING_STATUS_FILTERS, type FindingFilter } from "../findings/filter.js";
import { FINDING_SORTS, type FindingView, GROUP_BYS } from "../findings/service.js";
import type { ConsoleApp } from "../http/app.js";
import { badRequest, notFound } from "../http/errors.js";
import { actorOf } from "../http/principal.js";
import { Id, IdParams, PageQuery, Time } from "../http/schemas.js";
import { FINDING_KINDS, FINDING_STATUSES } from "../scans/tables.js";
import { findingsServiceOf, httpErrorOf } from "./scans.js";

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Counts = Type.Record(Type.String(), Type.Integer());

const State = Type.Object(
  {
    status: Type.Enum(FINDING_STATUSES),
    reason: Type.String(),
    expiresAt: Nullable(Time),
    by: Type.String(),
    at: Time,
  },
  { additionalProperties: false },
);

const Finding = Type.Object(
  {
    id: Type.String(),
    scanId: Type.String(),
    targetKey: Type.String(),
    kind: Type.Enum(FINDING_KINDS),
    fingerprint: Type.String({ description: "the same across scans of the target: what diffs and decisions key on" }),
    severity: Type.String(),
    risk: Type.Number({ description: "0..100, higher first" }),
    kev: Type.Boolean(),
    epss: Nullable(Type.Number()),
    fixable: Type.Boolean(),
    published: Nullable(Type.String()),
    cve: Nullable(Type.String()),
    package: Nullable(
      Type.Object(
        { name: Type.String(), version: Type.String(), purl: Type.String() },
        { additionalProperties: false },
      ),
    ),
    path: Nullable(Type.String()),
    nodeId: Nullable(Type.String()),
    imageRef: Nullable(Type.String()),
    status: Type.Enum(FINDING_STATUS_FILTERS),
    state: Nullable(State),
    detail: Type.Unknown({ description: "the engine's finding, whole (secrets masked)" }),
  },
  { additionalProperties: false },
);

const Filters = {
  severity: Type.Optional(
    Type.Array(Type.Enum(SEVERITIES), { maxItems: SEVERITIES.length, description: "repeat for several" }),
  ),
  kind: Type.Optional(Type.Array(Type.Enum(FINDING_KINDS), { maxItems: FINDING_KINDS.length })),
  status: Type.Optional(
    Type.Array(Type.Enum(FINDING_STATUS_FILTERS), {
      maxItems: FINDING_STATUS_FILTERS.length,
      description: "default open: accepted and false-positive findings are hidden until asked for",
    }),
  ),
  kev: Type.Optional(Type.Boolean()),
  fixable: Type.Optional(Type.Boolean()),
  node: Type.Optional(Id),
  image: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  package: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, description: "a package name, or a purl" })),
  cve: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  scan: Type.Optional(Id),
  target: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, description: "a target key (see scans)" })),
};
const FilterQuery = Type.Object(Filters, { additionalProperties: false });

function filterOf(q: Partial<Static<typeof FilterQuery>>): FindingFilter {
  return {
    ...(q.severity ? { severity: q.severity } : {}),
    ...(q.kind ? { kind: q.kind } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(q.kev !== undefined ? { kev: q.kev } : {}),
    ...(q.fixable !== undefined ? { fixable: q.fixable } : {}),
    ...(q.node !== undefined ? { nodeId: q.node } : {}),
    ...(q.image !== undefined ? { image: q.image } : {}),
    ...(q.package !== undefined ? { package: q.package } : {}),
    ...(q.cve !== undefined ? { cve: q.cve } : {}),
    ...(q.scan !== undefined ? { scanId: q.scan } : {}),
    ...(q.target !== undefined ? { targetKey: q.target } : {}),
  };
}

const rethrow = (e: unknown): never => {
  if (e instanceof CursorError) throw badRequest(e.message);
  throw httpErrorOf(e);
};

const StateBody = Type.Object(
  {
    status: Type.Enum(FINDING_STATUSES),
    reason: Type.String({ minLength: 1, maxLength: 2000 }),
    expiresAt: Type.Optional(Type.String({ format: "date-time", description: "after this the finding is open again" })),
  },
  { additionalProperties: false },
);

/**
 * Findings: by default those of each target's latest scan (or one scan's with `scan`), filtered, ranked by risk
 * and paged by cursor; counts and groups over the same filters; users' accepted / false-positive decisions.
 */
export async function findingRoutes(app: ConsoleApp): Promise<void> {
  const tags = ["findings"];
  const findings = () => findingsServiceOf(app);
  const { audit } = app.services;

  app.get(
    "/findings",
    {
      schema: {
        summary: "Findings of each target's latest scan (or of one scan), filtered, riskiest first, paged",
        tags,
        querystring: Type.Object(
          { ...Filters, ...PageQuery, sort: Type.Optional(Type.Enum(FINDING_SORTS)) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            { findings: Type.Array(Finding), next: Nullable(Type.String()) },
            { additionalProperties: false },
          ),
        },
      },
      config: { access: "read-only" },
    },
    async (req) => {
      const q = req.query;
      const page = await findings()
        .list(filterOf(q), {
          sort: q.sort ?? "risk",
          limit: q.limit ?? 50,
          ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
        })
        .catch(rethrow);
      return { findings: page.items, next: page.next };
    },
  );

  app.get(
    "/findings/counts",
    {
      schema: {
        summary: "How many findings match, by severity and kind",
        tags,
        querystring: FilterQuery,
        response: {
          200: Type.Object(
            { total: Type.Integer(), bySeverity: Counts, byKind: Counts },
            { additionalProperties: false },
          ),
        },
      },
      config: { access: "read-only" },
    },
    async (req) => findings().counts(filterOf(req.query)).catch(rethrow),
  );

  app.get(
    "/findings/groups",
    {
      schema: {
        summary: "Findings grouped by CVE, package or node, with counts and the highest risk, riskiest group first",
        tags,
        querystring: Type.Object(
          { ...Filters, ...PageQuery, by: Type.Enum(GROUP_BYS) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            {
              groups: Type.Array(
                Type.Object(
                  {
                    key: Type.String(),
                    count: Type.Integer(),
                    maxRisk: Type.Number(),
                    severity: Type.String({ description: "the highest in the group" }),
                    targets: Type.Integer({ description: "distinct targets the group's findings are on" }),
                    package: Type.Optional(
                      Type.Object({ name: Type.String(), version: Type.String() }, { additionalProperties: false }),
                    ),
                  },
                  { additionalProperties: false },
                ),
              ),
              next: Nullable(Type.String()),
            },
            { additionalProperties: false },
          ),
        },
      },
      config: { access: "read-only" },
    },
    async (req) => {
      const { by, limit, cursor, ...rest } = req.query;
      const page = await findings()
        .groups(filterOf(rest), by, { limit: limit ?? 50, ...(cursor !== undefined ? { cursor } : {}) })
        .catch(rethrow);
      return { groups: page.items, next: page.next };
    },
  );

  app.get(
    "/findings/:id",
    {
      schema: {
        summary: "One finding, whole, with the decision in force on it",
        tags,
        params: IdParams,
        response: { 200: Finding },
      },
      config: { access: "read-only" },
    },
    async (req): Promise<FindingView> => {
      const f = await findings().get(req.params.id);
      if (!f) throw notFound(`finding ${req.params.id}`);
      return f;
    },
  );

  app.put(
    "/findings/:id/state",
    {
      schema: {
        summary: "Mark a finding accepted or a false positive, with a reason and an optional expiry",
        description:
          "The decision holds for this finding on its target in every later scan (same fingerprint) until it expires or is revoked.",
        tags,
        params: IdParams,
        body: StateBody,
        response: { 200: State },
      },
      config: { access: "standard" },
    },
    async (req) => {
      const by = actorOf(req.principal);
      const state = await findings()
        .setState(req.params.id, {
          status: req.body.status,
          reason: req.body.reason,
          ...(req.body.expiresAt !== undefined ? { expiresAt: req.body.expiresAt } : {}),
          by,
        })
        .catch(rethrow);
      await audit.record({
        actor: by,
        action: "finding.state",
        target: req.params.id,
        detail: { status: state.status, reason: state.reason, expiresAt: state.expiresAt },
      });
      return state;
    },
  );

  app.delete(
    "/findings/:id/state",
    {
      schema: {
        summary: "Revoke the decision on a finding: it is open again",
        tags,
        params: IdParams,
        response: {
          200: Type.Object(
            { revoked: Type.Boolean({ description: "false: there was none" }) },
            { additionalProperties: false },
          ),
        },
      },
      config: { access: "standard" },
    },
    async (req) => {
      const revoked = await findings().revokeState(req.params.id).catch(rethrow);
      if (revoked)
        await audit.record({ actor: actorOf(req.principal), action: "finding.state-revoke", target: req.params.id });
      return { revoked };
    },
  );
}
