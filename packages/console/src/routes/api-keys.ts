import { Type } from "typebox";
import { issueApiKey } from "../auth/issue-key.js";
import type { ConsoleApp } from "../http/app.js";
import { badRequest, notFound } from "../http/errors.js";
import { actorOf, userOf } from "../http/principal.js";
import { IdParams, Time } from "../http/schemas.js";

const Scope = Type.Union([Type.Literal("api"), Type.Literal("sensor")], {
  description: "api: acts as you, with your role; sensor: may only register and run sensors",
});
const ApiKey = Type.Object(
  {
    id: Type.String(),
    userId: Type.String(),
    name: Type.String(),
    prefix: Type.String({ description: "the key's first characters, to tell keys apart" }),
    scope: Scope,
    createdAt: Time,
    lastUsedAt: Type.Union([Time, Type.Null()]),
    expiresAt: Type.Union([Time, Type.Null()]),
    revokedAt: Type.Union([Time, Type.Null()]),
  },
  { additionalProperties: false },
);

/**
 * API keys for automation and sensors: stored hashed, the key shown once at creation, revocable. A user sees
 * and revokes their own keys; an admin can list and revoke everyone's. Read-only users cannot hold keys: a
 * key is a standing credential, and nothing a read-only user does needs one.
 */
export async function apiKeyRoutes(app: ConsoleApp): Promise<void> {
  const { store, audit } = app.services;
  const tags = ["api-keys"];

  app.get(
    "/api-keys",
    {
      schema: {
        summary: "Your API keys (admins: add all=true for everyone's)",
        tags,
        querystring: Type.Object({ all: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: Type.Object({ keys: Type.Array(ApiKey) }, { additionalProperties: false }) },
      },
      config: { access: "standard" },
    },
    async (req) => {
      const me = userOf(req.principal);
      let q = store.db.selectFrom("api_keys").selectAll().orderBy("created_at", "desc").limit(1000);
      if (!(req.query.all && me.role === "admin")) q = q.where("user_id", "=", me.userId);
      const rows = await q.execute();
      return {
        keys: rows.map((r) => ({
          id: r.id,
          userId: r.user_id,
          name: r.name,
          prefix: r.prefix,
          scope: r.scope,
          createdAt: r.created_at,
          lastUsedAt: r.last_used_at,
          expiresAt: r.expires_at,
          revokedAt: r.revoked_at,
        })),
      };
    },
  );

  app.post(
    "/api-keys",
    {
      schema: {
        summary: "Create an API key: the key is in this response only",
        tags,
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100, pattern: "^[^\\u0000-\\u001f]+$" }),
            scope: Type.Optional(Scope),
            expiresAt: Type.Optional(Time),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object(
            {
              id: Type.String(),
              key: Type.String({ description: "shown once" }),
              prefix: Type.String(),
              scope: Scope,
              expiresAt: Type.Union([Time, Type.Null()]),
            },
            { additionalProperties: false },
          ),
        },
      },
      config: { access: "standard" },
    },
    async (req, reply) => {
      const me = userOf(req.principal);
      const expiresAt = req.body.expiresAt ? new Date(req.body.expiresAt).toISOString() : null;
      if (expiresAt && expiresAt <= new Date().toISOString()) throw badRequest("expiresAt is in the past");
      const scope = req.body.scope ?? "api";
      const k = await issueApiKey(store, { userId: me.userId, name: req.body.name, scope, expiresAt });
      await audit.record({
        actor: actorOf(me),
        action: "api-key.create",
        target: k.id,
        detail: { name: req.body.name, scope },
      });
      return reply.status(201).send(k);
    },
  );

  app.delete(
    "/api-keys/:id",
    {
      schema: {
        summary: "Revoke an API key (yours; admins: anyone's)",
        tags,
        params: IdParams,
        response: { 204: Type.Null() },
      },
      config: { access: "standard" },
    },
    async (req, reply) => {
      const me = userOf(req.principal);
      let q = store.db
        .updateTable("api_keys")
        .set({ revoked_at: new Date().toISOString() })
        .where("id", "=", req.params.id)
        .where("revoked_at", "is", null);
      if (me.role !== "admin") q = q.where("user_id", "=", me.userId);
      const r = await q.executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) throw notFound("active API key");
      await audit.record({ actor: actorOf(me), action: "api-key.revoke", target: req.params.id });
      return reply.status(204).send(null);
    },
  );
}
