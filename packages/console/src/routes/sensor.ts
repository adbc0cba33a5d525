import { Type } from "typebox";
import type { ConsoleApp } from "../http/app.js";
import { conflict, HttpError, notFound } from "../http/errors.js";
import { actorOf, sensorOf } from "../http/principal.js";
import { Id, Time } from "../http/schemas.js";
import { Report } from "../topology/report.js";
import { MAX_WAIT_SECONDS, UploadRejectedError } from "../topology/service.js";
import { UploadBody } from "../topology/uploads.js";

const Tags = Type.Record(Type.String(), Type.String({ maxLength: 256, pattern: "^[^\\u0000-\\u001f]*$" }), {
  maxProperties: 64,
  propertyNames: { pattern: "^[A-Za-z0-9][A-Za-z0-9_./-]{0,62}$" },
});
const Registration = Type.Object(
  {
    machineId: Type.String({
      minLength: 1,
      maxLength: 128,
      pattern: "^[\\x21-\\x7e]+$",
      description: "/etc/machine-id or the cloud instance id: the node's identity",
    }),
    hostname: Type.String({ minLength: 1, maxLength: 253, pattern: "^[^\\u0000-\\u001f]+$" }),
    os: Type.Optional(Type.String({ maxLength: 256 })),
    agentVersion: Type.String({ minLength: 1, maxLength: 64, pattern: "^[\\x21-\\x7e]+$" }),
    tags: Type.Optional(Tags),
  },
  { additionalProperties: false },
);
/**
 * Decoded bytes a report or an upload may carry: a large host's full report (the schema's item limits) or its
 * SBOM outgrows the API's default limit. Sensors send them gzip-compressed, typically a tenth of this on the wire.
 */
const SENSOR_BODY_LIMIT = 64 * 1024 * 1024;

const SensorToken = {
  token: Type.String({ description: "the sensor's short-lived token: send as `Authorization: Bearer …`" }),
  expiresAt: Time,
  heartbeatSeconds: Type.Integer({ description: "how often to heartbeat" }),
  lastSeq: Type.Integer({ description: "seq of the last report the console applied (0: none): continue above it" }),
};
const Action = Type.Object(
  {
    id: Type.String(),
    kind: Type.String({ description: 'what to do, e.g. "scan"' }),
    payload: Type.Unknown(),
    createdAt: Time,
    deliveries: Type.Integer({ description: "1 the first time; more when it was not acknowledged in time" }),
  },
  { additionalProperties: false },
);
const Acknowledgement = Type.Object(
  { uploadId: Type.String(), sha256: Type.String(), receivedAt: Time },
  { additionalProperties: false },
);

/**
 * The sensor protocol. A sensor registers with an API key and gets its node id and a short-lived token
 * (renewed by every heartbeat), then sends topology reports (report.ts), long-polls its actions and
 * acknowledges them, and uploads scan results under ids it makes up, so a retried upload is never stored
 * twice.
 */
export async function sensorRoutes(app: ConsoleApp): Promise<void> {
  const { sensors, tokens, audit } = app.services;
  const tags = ["sensor"];
  const unknownNode = () =>
    new HttpError(404, "unknown_node", "this node is not registered (any more): register again");

  app.post(
    "/sensor/register",
    {
      schema: {
        summary: "Register a sensor (or re-register: the same machine id is the same node) and get its token",
        tags,
        body: Registration,
        response: {
          200: Type.Object(
            {
              nodeId: Type.String(),
              created: Type.Boolean({ description: "false: an existing node re-registered" }),
              ...SensorToken,
            },
            { additionalProperties: false },
          ),
        },
      },
      config: { access: "sensor-key" },
    },
    async (req) => {
      const p = req.principal;
      if (p?.kind !== "sensor-key") throw new Error("route reached without an API key: its access is declared wrong");
      const { node, created } = await sensors.register({ keyId: p.keyId, userId: p.userId }, req.body);
      await audit.record({
        actor: actorOf(p),
        action: "sensor.register",
        target: node.id,
        detail: { hostname: node.hostname, machineId: node.machineId, created },
      });
      const t = await tokens.issueSensorToken({ nodeId: node.id, keyId: p.keyId, userId: p.userId });
      return {
        nodeId: node.id,
        created,
        ...t,
        heartbeatSeconds: sensors.settings.heartbeatSeconds,
        lastSeq: node.lastSeq,
      };
    },
  );

  app.post(
    "/sensor/heartbeat",
    {
      schema: {
        summary: "The sensor is alive: marks its node online and renews its token",
        tags,
        body: Type.Object(
          { agentVersion: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: "^[\\x21-\\x7e]+$" })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object(SensorToken, { additionalProperties: false }) },
      },
      config: { access: "sensor" },
    },
    async (req) => {
      const s = sensorOf(req.principal);
      const seen = await sensors.heartbeat(s.nodeId, req.body.agentVersion);
      if (!seen) throw unknownNode();
      const t = await tokens.issueSensorToken(s);
      return { ...t, heartbeatSeconds: sensors.settings.heartbeatSeconds, lastSeq: seen.lastSeq };
    },
  );

  app.post(
    "/sensor/reports",
    {
      bodyLimit: SENSOR_BODY_LIMIT,
      schema: {
        summary: "A topology report: full, or a delta on the last applied one (409 full_report_required otherwise)",
        description:
          "A report whose seq is not above the last applied one is acknowledged as a duplicate and not applied again, so retrying is safe.",
        tags,
        body: Report,
        response: {
          200: Type.Object(
            { status: Type.Union([Type.Literal("applied"), Type.Literal("duplicate")]), lastSeq: Type.Integer() },
            { additionalProperties: false },
          ),
        },
      },
      config: { access: "sensor" },
    },
    async (req) => {
      const s = sensorOf(req.principal);
      const r = await sensors.report(s.nodeId, req.body);
      if (r.status === "unknown_node") throw unknownNode();
      if (r.status === "full_report_required")
        throw conflict(
          `the console holds seq ${r.lastSeq}, not this delta's base: send a full report (seq above ${r.lastSeq})`,
          "full_report_required",
        );
      return r;
    },
  );

  app.get(
    "/sensor/actions",
    {
      schema: {
        summary: "The sensor's actions: returns pending ones at once, else waits up to `wait` seconds for one",
        description:
          "Acknowledge each action (POST /sensor/actions/{id}/ack): an unacknowledged one is delivered again.",
        tags,
        querystring: Type.Object(
          { wait: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_WAIT_SECONDS, default: 0 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ actions: Type.Array(Action) }, { additionalProperties: false }) },
      },
      config: { access: "sensor" },
    },
    async (req, reply) => {
      const s = sensorOf(req.principal);
      // The sensor hanging up ends the wait (nothing is claimed for a sensor that is gone).
      const gone = new AbortController();
      const hangUp = () => {
        if (!reply.raw.writableFinished) gone.abort();
      };
      reply.raw.once("close", hangUp);
      try {
        const actions = await sensors.pullActions(s.nodeId, req.query.wait ?? 0, gone.signal);
        if (!actions) throw unknownNode();
        return {
          actions: actions.map((a) => ({
            id: a.id,
            kind: a.kind,
            payload: a.payload,
            createdAt: a.createdAt,
            deliveries: a.deliveries,
          })),
        };
      } finally {
        reply.raw.off("close", hangUp);
      }
    },
  );

  app.post(
    "/sensor/actions/:id/ack",
    {
      schema: {
        summary: "Acknowledge an action: done (taken on) or failed (refused, with why)",
        tags,
        params: Type.Object({ id: Id }, { additionalProperties: false }),
        body: Type.Object(
          {
            outcome: Type.Union([Type.Literal("done"), Type.Literal("failed")]),
            message: Type.Optional(Type.String({ maxLength: 4096 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            {
              id: Type.String(),
              state: Type.Union([
                Type.Literal("pending"),
                Type.Literal("delivered"),
                Type.Literal("done"),
                Type.Literal("failed"),
              ]),
            },
            { additionalProperties: false },
          ),
        },
      },
      config: { access: "sensor" },
    },
    async (req) => {
      const s = sensorOf(req.principal);
      const r = await sensors.ackAction(s.nodeId, req.params.id, req.body.outcome, req.body.message);
      if (r === "unknown_action") throw notFound("action");
      return { id: req.params.id, state: r.state };
    },
  );

  app.put(
    "/sensor/uploads/:uploadId",
    {
      bodyLimit: SENSOR_BODY_LIMIT,
      schema: {
        summary: "Upload a scan result (SBOM, secrets, malware) or a scan's end, under an id the sensor made up",
        description:
          "Stored before it is acknowledged. Sending the same id with the same body again is answered like the first time (nothing stored twice); the same id with another body is 409 upload_conflict.",
        tags,
        params: Type.Object(
          { uploadId: Type.String({ format: "uuid", maxLength: 36 }) },
          { additionalProperties: false },
        ),
        body: UploadBody,
        response: { 200: Acknowledgement },
      },
      config: { access: "sensor" },
    },
    async (req) => {
      const s = sensorOf(req.principal);
      const uploadId = req.params.uploadId.toLowerCase();
      const { result, hookError } = await sensors.upload(s.nodeId, uploadId, req.body);
      if (result.status === "unknown_node") throw unknownNode();
      if (result.status === "conflict")
        throw conflict(`upload ${uploadId} was already received with other content: use a new id`, "upload_conflict");
      if (hookError instanceof UploadRejectedError) throw new HttpError(400, "upload_rejected", hookError.message);
      if (hookError)
        req.log.warn({ err: hookError, uploadId }, "the upload is stored; processing it failed and will be retried");
      return { uploadId, sha256: result.upload.sha256, receivedAt: result.upload.receivedAt };
    },
  );
}
