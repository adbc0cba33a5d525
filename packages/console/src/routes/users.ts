import { Type } from "typebox";
import { AccountError } from "../auth/accounts.js";
import type { ConsoleApp } from "../http/app.js";
import { conflict, notFound } from "../http/errors.js";
import { actorOf, userOf } from "../http/principal.js";
import { Email, IdParams, RoleName, Time, User } from "../http/schemas.js";

const Invitation = Type.Object(
  {
    id: Type.String(),
    kind: Type.Union([Type.Literal("invite"), Type.Literal("password-reset")]),
    email: Type.String(),
    role: RoleName,
    createdBy: Type.String(),
    createdAt: Time,
    expiresAt: Time,
    state: Type.Union([
      Type.Literal("pending"),
      Type.Literal("used"),
      Type.Literal("revoked"),
      Type.Literal("expired"),
    ]),
  },
  { additionalProperties: false },
);
const Link = Type.Object(
  {
    id: Type.String(),
    token: Type.String({ description: "shown once" }),
    url: Type.String({ description: "the link to send: shown once" }),
    expiresAt: Time,
  },
  { additionalProperties: false },
);
/** Invitations last 72 hours unless the admin says otherwise (at most 30 days). */
const Ttl = Type.Optional(Type.Integer({ minimum: 300, maximum: 30 * 24 * 3600, default: 72 * 3600 }));

/** Admin only: users, their roles and state, invitations and password reset links. */
export async function userRoutes(app: ConsoleApp): Promise<void> {
  const { accounts, sessions, audit, config } = app.services;
  const tags = ["users"];
  const linkFor = (token: string) => `${config.publicUrl.replace(/\/$/, "")}/accept?token=${encodeURIComponent(token)}`;

  app.get(
    "/users",
    {
      schema: {
        summary: "Every user",
        tags,
        response: { 200: Type.Object({ users: Type.Array(User) }, { additionalProperties: false }) },
      },
      config: { access: "admin" },
    },
    async () => ({ users: await accounts.list() }),
  );

  app.patch(
    "/users/:id",
    {
      schema: {
        summary: "Change a user's role or disable/enable them (disabling revokes their sessions, tokens and keys' use)",
        tags,
        params: IdParams,
        body: Type.Object(
          { role: Type.Optional(RoleName), disabled: Type.Optional(Type.Boolean()) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: User },
      },
      config: { access: "admin" },
    },
    async (req) => {
      try {
        const user = await accounts.update(req.params.id, req.body);
        if (!user) throw notFound("user");
        if (req.body.disabled || req.body.role) await sessions.revokeUser(user.id);
        await audit.record({ actor: actorOf(req.principal), action: "user.update", target: user.id, detail: req.body });
        return user;
      } catch (e) {
        if (e instanceof AccountError) throw conflict(e.message, e.code);
        throw e;
      }
    },
  );

  app.post(
    "/users/:id/password-reset",
    {
      schema: {
        summary: "A one-time password reset link for a user (shown once)",
        tags,
        params: IdParams,
        body: Type.Object({ ttlSeconds: Ttl }, { additionalProperties: false }),
        response: { 201: Link },
      },
      config: { access: "admin" },
    },
    async (req, reply) => {
      const user = await accounts.get(req.params.id);
      if (!user) throw notFound("user");
      const link = await accounts.invite({
        kind: "password-reset",
        email: user.email,
        role: user.role,
        userId: user.id,
        createdBy: userOf(req.principal).userId,
        ttlSeconds: req.body.ttlSeconds ?? 72 * 3600,
      });
      await audit.record({ actor: actorOf(req.principal), action: "user.password-reset-link", target: user.id });
      return reply
        .status(201)
        .send({ id: link.id, token: link.token, url: linkFor(link.token), expiresAt: link.expiresAt });
    },
  );

  app.get(
    "/invitations",
    {
      schema: {
        summary: "Invitations and reset links, newest first",
        tags,
        response: { 200: Type.Object({ invitations: Type.Array(Invitation) }, { additionalProperties: false }) },
      },
      config: { access: "admin" },
    },
    async () => {
      const now = new Date().toISOString();
      const rows = await accounts.invitations();
      return {
        invitations: rows.map((r) => ({
          id: r.id,
          kind: r.kind,
          email: r.email,
          role: r.role,
          createdBy: r.created_by,
          createdAt: r.created_at,
          expiresAt: r.expires_at,
          state: r.used_at
            ? ("used" as const)
            : r.revoked_at
              ? ("revoked" as const)
              : r.expires_at <= now
                ? ("expired" as const)
                : ("pending" as const),
        })),
      };
    },
  );

  app.post(
    "/invitations",
    {
      schema: {
        summary: "Invite someone with a role: returns the invitation link once",
        tags,
        body: Type.Object({ email: Email, role: RoleName, ttlSeconds: Ttl }, { additionalProperties: false }),
        response: { 201: Link },
      },
      config: { access: "admin" },
    },
    async (req, reply) => {
      try {
        const link = await accounts.invite({
          kind: "invite",
          email: req.body.email,
          role: req.body.role,
          createdBy: userOf(req.principal).userId,
          ttlSeconds: req.body.ttlSeconds ?? 72 * 3600,
        });
        await audit.record({
          actor: actorOf(req.principal),
          action: "invitation.create",
          target: req.body.email.toLowerCase(),
          detail: { role: req.body.role },
        });
        return reply
          .status(201)
          .send({ id: link.id, token: link.token, url: linkFor(link.token), expiresAt: link.expiresAt });
      } catch (e) {
        if (e instanceof AccountError) throw conflict(e.message, e.code);
        throw e;
      }
    },
  );

  app.delete(
    "/invitations/:id",
    {
      schema: {
        summary: "Revoke a pending invitation or reset link",
        tags,
        params: IdParams,
        response: { 204: Type.Null() },
      },
      config: { access: "admin" },
    },
    async (req, reply) => {
      if (!(await accounts.revokeInvitation(req.params.id))) throw notFound("pending invitation");
      await audit.record({ actor: actorOf(req.principal), action: "invitation.revoke", target: req.params.id });
      return reply.status(204).send(null);
    },
  );
}
