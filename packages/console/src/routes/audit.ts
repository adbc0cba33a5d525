import { Type } from "typebox";
import type { ConsoleApp } from "../http/app.js";
import { badRequest } from "../http/errors.js";
import { PageQuery, Time } from "../http/schemas.js";

const Entry = Type.Object(
  {
    id: Type.Integer(),
    at: Time,
    actor: Type.String(),
    action: Type.String(),
    target: Type.Union([Type.String(), Type.Null()]),
    detail: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  },
  { additionalProperties: false },
);

/** Admin only: the audit log, newest first, paged by cursor. */
export async function auditRoutes(app: ConsoleApp): Promise<void> {
  app.get(
    "/audit",
    {
      schema: {
        summary: "The audit log of security-relevant actions, newest first",
        tags: ["audit"],
        querystring: Type.Object(
          {
            ...PageQuery,
            action: Type.Optional(Type.String({ maxLength: 64 })),
            actor: Type.Optional(Type.String({ maxLength: 128 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            { entries: Type.Array(Entry), next: Type.Union([Type.String(), Type.Null()]) },
            { additionalProperties: false },
          ),
        },
      },
      config: { access: "admin" },
    },
    async (req) => {
      const limit = req.query.limit ?? 50;
      let q = app.services.store.db
        .selectFrom("audit_log")
        .selectAll()
        .orderBy("id", "desc")
        .limit(limit + 1);
      if (req.query.cursor !== undefined) {
        if (!/^[0-9]{1,18}$/.test(req.query.cursor)) throw badRequest("invalid cursor");
        q = q.where("id", "<", Number(req.query.cursor));
      }
      if (req.query.action) q = q.where("action", "=", req.query.action);
      if (req.query.actor) q = q.where("actor", "=", req.query.actor);
      const rows = await q.execute();
      const page = rows.slice(0, limit);
      return {
        entries: page.map((r) => ({
          id: Number(r.id),
          at: r.at,
          actor: r.actor,
          action: r.action,
          target: r.target,
          detail: r.detail ? JSON.parse(r.detail) : null,
        })),
        next: rows.length > limit ? String(page[page.length - 1]?.id) : null,
      };
    },
  );
}
