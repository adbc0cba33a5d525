import { ENGINE_VERSION } from "@rampart/engine";
import { Type } from "typebox";
import type { ConsoleApp } from "../http/app.js";
import { actorOf } from "../http/principal.js";
import { Time } from "../http/schemas.js";
import { vulnDbStatus } from "../vulndb/status.js";

const Feed = Type.Object(
  {
    name: Type.String(),
    location: Type.Optional(Type.String()),
    dataAsOf: Type.Optional(Type.String()),
    importedAt: Time,
    records: Type.Integer(),
    ageSeconds: Type.Integer({ description: "since the feed was last imported" }),
    stale: Type.Boolean({ description: "not imported for over a day: the scheduled refresh is failing" }),
  },
  { additionalProperties: false },
);
const VulnDb = Type.Union([
  Type.Object(
    { present: Type.Literal(false), path: Type.String(), problem: Type.String() },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      present: Type.Literal(true),
      path: Type.String(),
      schemaVersion: Type.Integer(),
      builtAt: Time,
      bytes: Type.Integer(),
      advisories: Type.Integer(),
      feeds: Type.Array(Feed),
    },
    { additionalProperties: false },
  ),
]);

/** Liveness, and the System Status page: version, storage, the vulnerability DB's feeds and their age. */
export async function systemRoutes(app: ConsoleApp): Promise<void> {
  const { config, store } = app.services;
  const tags = ["system"];

  app.get(
    "/health",
    {
      schema: {
        summary: "Liveness: the console answers and its store does",
        tags,
        response: { 200: Type.Object({ status: Type.Literal("ok") }, { additionalProperties: false }) },
      },
      config: { access: "public" },
    },
    async () => {
      await store.db.selectFrom("console_secrets").select("name").limit(1).execute();
      return { status: "ok" as const };
    },
  );

  app.get(
    "/system/status",
    {
      schema: {
        summary: "Version, storage engine, and the vulnerability DB with each feed's age",
        tags,
        response: {
          200: Type.Object(
            {
              version: Type.String(),
              storage: Type.Union([Type.Literal("sqlite"), Type.Literal("postgres")]),
              vulnDb: VulnDb,
              refreshEveryHours: Type.Number(),
            },
            { additionalProperties: false },
          ),
        },
      },
      config: { access: "read-only" },
    },
    async () => ({
      version: ENGINE_VERSION,
      storage: store.engine,
      vulnDb: vulnDbStatus(config.vulnDbDir),
      refreshEveryHours: config.refreshEveryHours,
    }),
  );

  app.post(
    "/system/vulndb/refresh",
    {
      schema: {
        summary: "Refresh the vulnerability DB now (a job; returns the one already running if any)",
        tags,
        response: { 202: Type.Object({ jobId: Type.String() }, { additionalProperties: false }) },
      },
      config: { access: "admin" },
    },
    async (req, reply) => {
      const jobId = await app.services.vulnDbRefresh.now();
      await app.services.audit.record({ actor: actorOf(req.principal), action: "vulndb.refresh", target: jobId });
      return reply.status(202).send({ jobId });
    },
  );
}
