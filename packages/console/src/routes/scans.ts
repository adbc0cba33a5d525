import { Readable } from "node:stream";
import { type Static, Type } from "typebox";
import { FindingsError, type FindingsService } from "../findings/service.js";
import type { ConsoleApp } from "../http/app.js";
import { badRequest, HttpError, notFound } from "../http/errors.js";
import { actorOf } from "../http/principal.js";
import { Id, IdParams, PageQuery, Time } from "../http/schemas.js";
import { JOB_STATES } from "../jobs/queue.js";
import type { ScanRecord } from "../scans/records.js";
import { PostureContent } from "../scans/sensor-upload.js";
import { ScanError, type ScanService } from "../scans/service.js";
import { SCANNERS, TARGET_KINDS } from "../scans/tables.js";

/** The posture document as the API returns it (the sensor's upload without its warnings). */
const PostureBody = Type.Omit(PostureContent, ["warnings"]);

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Counts = Type.Record(Type.String(), Type.Integer());

/** Controls by status and each framework's score (the posture scanner ran). */
export const PostureSummary = Type.Object(
  {
    controls: Counts,
    frameworks: Type.Array(Type.Omit(Type.Index(PostureBody, ["frameworks"]).items, ["requirements"])),
  },
  { additionalProperties: false },
);

export const ScanSummaryBody = Type.Object(
  {
    total: Type.Integer(),
    bySeverity: Counts,
    byKind: Counts,
    kev: Type.Integer(),
    fixable: Type.Integer(),
    maxRisk: Type.Number(),
    posture: Type.Optional(PostureSummary),
  },
  { additionalProperties: false },
);

export const ScanBody = Type.Object(
  {
    id: Type.String(),
    target: Type.Object(
      {
        kind: Type.Enum(TARGET_KINDS),
        ref: Type.String({ description: "what users see: an image tag, a file name, a host or container name" }),
        key: Nullable(
          Type.String({ description: "scans with the same key look at the same thing (diffs, the latest view)" }),
        ),
        nodeId: Nullable(Type.String()),
      },
      { additionalProperties: false },
    ),
    scanners: Type.Array(Type.Enum(SCANNERS)),
    state: Type.Enum(JOB_STATES),
    progress: Type.Number({ minimum: 0, maximum: 1 }),
    message: Nullable(Type.String()),
    error: Nullable(
      Type.String({ description: "why it failed: the engine's message (bad archive or SBOM), the deadline…" }),
    ),
    attempts: Type.Integer(),
    jobId: Nullable(Type.String()),
    createdBy: Type.String(),
    createdAt: Time,
    startedAt: Nullable(Time),
    finishedAt: Nullable(Time),
    summary: Nullable(ScanSummaryBody),
    packageCount: Nullable(Type.Integer()),
    source: Type.Unknown({ description: "what was read (image id, digests, tags, layers); null before the results" }),
    warnings: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);

const DiffEntry = Type.Object(
  {
    fingerprint: Type.String(),
    findingId: Type.String(),
    kind: Type.String(),
    severity: Type.String(),
    risk: Type.Number(),
    cve: Nullable(Type.String()),
    package: Nullable(Type.String()),
    version: Nullable(Type.String()),
    path: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

const ScannerList = Type.Array(Type.Enum(SCANNERS), { minItems: 1, maxItems: SCANNERS.length, uniqueItems: true });
const TargetName = Type.String({ minLength: 1, maxLength: 1024, pattern: "^[^\\u0000-\\u001f\\u007f]+$" });

const NodeScanBody = Type.Object(
  {
    nodeId: Id,
    target: Type.Object(
      {
        kind: Type.Enum(["host", "container", "image"]),
        ref: Type.Optional(TargetName),
      },
      { additionalProperties: false },
    ),
    scanners: Type.Optional(ScannerList),
  },
  { additionalProperties: false },
);

/** The console's scan and findings services (ConsoleServices). */
export const scanServiceOf = (app: ConsoleApp): ScanService => app.services.scans;
export const findingsServiceOf = (app: ConsoleApp): FindingsService => app.services.findings;

/** ScanError and FindingsError as API errors. */
export function httpErrorOf(e: unknown): unknown {
  if (e instanceof ScanError)
    return e.reason === "not-found"
      ? new HttpError(404, "not_found", e.message)
      : e.reason === "too-large"
        ? new HttpError(413, "body_too_large", e.message)
        : badRequest(e.message);
  if (e instanceof FindingsError)
    return e.reason === "not-found" ? new HttpError(404, "not_found", e.message) : badRequest(e.message);
  return e;
}

const rethrow = (e: unknown): never => {
  throw httpErrorOf(e);
};

/**
 * Scans: upload an image archive or an SBOM to scan on the console, ask a node's sensor to scan its host, a
 * container or an image; follow a scan's state (its job's), cancel it, diff two scans of one target.
 */
export async function scanRoutes(app: ConsoleApp): Promise<void> {
  const tags = ["scans"];
  const scans = () => scanServiceOf(app);
  const { audit } = app.services;

  // Uploads are streamed to disk as they arrive, never parsed or held in memory: this scope reads every body
  // raw, and the size limit is the console's upload limit (checked while writing).
  await app.register(async (instance) => {
    const raw = instance as unknown as ConsoleApp;
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser("*", (_req, payload, done) => done(null, payload));
    const uploadLimit = app.services.config.uploadLimit;
    const tooLarge = (length: string | undefined) => {
      if (length !== undefined && Number(length) > uploadLimit)
        throw new HttpError(413, "body_too_large", `upload larger than the ${uploadLimit}-byte limit`);
    };
    const bodyStream = (body: unknown): Readable => {
      if (body instanceof Readable) return body;
      throw badRequest("send the file as the request body");
    };

    raw.post(
      "/scans/image-archive",
      {
        schema: {
          summary: "Scan an image archive (docker save or OCI archive, plain or gzip/zstd) sent as the request body",
          description:
            "The body is the archive itself (any content type, e.g. application/x-tar), streamed to the console's data directory. The scan runs as a job: poll GET /scans/{id}.",
          tags,
          querystring: Type.Object(
            {
              name: Type.Optional(TargetName),
              scanners: Type.Optional(ScannerList),
            },
            { additionalProperties: false },
          ),
          response: { 202: ScanBody },
        },
        config: { access: "standard" },
      },
      async (req, reply) => {
        tooLarge(req.headers["content-length"]);
        const scan = await scans()
          .createImageArchiveScan({
            input: bodyStream(req.body),
            ...(req.query.name !== undefined ? { name: req.query.name } : {}),
            ...(req.query.scanners ? { scanners: req.query.scanners } : {}),
            createdBy: actorOf(req.principal),
          })
          .catch(rethrow);
        await audit.record({
          actor: actorOf(req.principal),
          action: "scan.create",
          target: scan.id,
          detail: { kind: "image-archive", scanners: scan.scanners },
        });
        return reply.status(202).send(scan);
      },
    );

    raw.post(
      "/scans/sbom",
      {
        schema: {
          summary: "Match an SBOM (CycloneDX or SPDX JSON) sent as the request body against the vulnerability DB",
          description:
            "The body is the SBOM document (any content type). The scan runs as a job: poll GET /scans/{id}.",
          tags,
          querystring: Type.Object({ name: Type.Optional(TargetName) }, { additionalProperties: false }),
          response: { 202: ScanBody },
        },
        config: { access: "standard" },
      },
      async (req, reply) => {
        tooLarge(req.headers["content-length"]);
        const scan = await scans()
          .createSbomScan({
            sbom: bodyStream(req.body),
            ...(req.query.name !== undefined ? { name: req.query.name } : {}),
            createdBy: actorOf(req.principal),
          })
          .catch(rethrow);
        await audit.record({
          actor: actorOf(req.principal),
          action: "scan.create",
          target: scan.id,
          detail: { kind: "sbom" },
        });
        return reply.status(202).send(scan);
      },
    );
  });

  app.post(
    "/scans/node",
    {
      schema: {
        summary: "Ask a node's sensor to scan its host, one of its containers or one of its images",
        tags,
        body: NodeScanBody,
        response: { 202: ScanBody },
      },
      config: { access: "standard" },
    },
    async (req, reply) => {
      const body: Static<typeof NodeScanBody> = req.body;
      const scan = await scans()
        .createNodeScan({
          nodeId: body.nodeId,
          target: { kind: body.target.kind, ...(body.target.ref !== undefined ? { ref: body.target.ref } : {}) },
          ...(body.scanners ? { scanners: body.scanners } : {}),
          createdBy: actorOf(req.principal),
        })
        .catch(rethrow);
      await audit.record({
        actor: actorOf(req.principal),
        action: "scan.create",
        target: scan.id,
        detail: { kind: scan.target.kind, nodeId: body.nodeId, scanners: scan.scanners },
      });
      return reply.status(202).send(scan);
    },
  );

  app.get(
    "/scans",
    {
      schema: {
        summary: "Scans, newest first, with their state",
        tags,
        querystring: Type.Object(
          {
            ...PageQuery,
            target: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
            node: Type.Optional(Id),
            kind: Type.Optional(Type.Enum(TARGET_KINDS)),
            state: Type.Optional(Type.Enum(JOB_STATES)),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            { scans: Type.Array(ScanBody), next: Nullable(Type.String()) },
            { additionalProperties: false },
          ),
        },
      },
      config: { access: "read-only" },
    },
    async (req) => {
      const q = req.query;
      const page = await scans()
        .list(
          {
            ...(q.target !== undefined ? { targetKey: q.target } : {}),
            ...(q.node !== undefined ? { nodeId: q.node } : {}),
            ...(q.kind !== undefined ? { kind: q.kind } : {}),
            ...(q.state !== undefined ? { state: q.state } : {}),
          },
          { limit: q.limit ?? 50, ...(q.cursor !== undefined ? { cursor: q.cursor } : {}) },
        )
        .catch(rethrow);
      return { scans: page.items, next: page.next };
    },
  );

  app.get(
    "/scans/:id",
    {
      schema: {
        summary: "One scan, with its state, progress and summary",
        tags,
        params: IdParams,
        response: { 200: ScanBody },
      },
      config: { access: "read-only" },
    },
    async (req): Promise<ScanRecord> => {
      const scan = await scans().get(req.params.id);
      if (!scan) throw notFound(`scan ${req.params.id}`);
      return scan;
    },
  );

  app.get(
    "/scans/:id/posture",
    {
      schema: {
        summary: "A scan's posture results: every control evaluated (passes too) and each framework's score",
        tags,
        params: IdParams,
        response: { 200: PostureBody },
      },
      config: { access: "read-only" },
    },
    async (req) => {
      const posture = await scans().posture(req.params.id);
      if (posture === undefined) throw notFound(`scan ${req.params.id}`);
      if (posture === null)
        throw new HttpError(
          404,
          "not_found",
          `scan ${req.params.id} has no posture results (not finished, or the posture scanner did not run)`,
        );
      return posture;
    },
  );

  app.post(
    "/scans/:id/cancel",
    {
      schema: {
        summary: "Cancel a queued or running scan",
        tags,
        params: IdParams,
        response: {
          200: Type.Object(
            { cancelled: Type.Boolean({ description: "false: the scan had already finished" }) },
            { additionalProperties: false },
          ),
        },
      },
      config: { access: "standard" },
    },
    async (req) => {
      const cancelled = await scans().cancel(req.params.id).catch(rethrow);
      if (cancelled)
        await audit.record({ actor: actorOf(req.principal), action: "scan.cancel", target: req.params.id });
      return { cancelled };
    },
  );

  app.get(
    "/scans/:id/diff",
    {
      schema: {
        summary: "What changed since another scan of the same target: new, fixed and unchanged findings",
        tags,
        params: IdParams,
        querystring: Type.Object({ against: Id }, { additionalProperties: false }),
        response: {
          200: Type.Object(
            {
              base: Type.String(),
              head: Type.String(),
              targetKey: Type.String(),
              new: Type.Array(DiffEntry),
              fixed: Type.Array(DiffEntry),
              unchanged: Type.Array(DiffEntry),
            },
            { additionalProperties: false },
          ),
        },
      },
      config: { access: "read-only" },
    },
    async (req) => findingsServiceOf(app).diff(req.query.against, req.params.id).catch(rethrow),
  );
}
