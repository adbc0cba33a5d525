import type { FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import { AccountError, type UserView } from "../auth/accounts.js";
import { passwordProblem } from "../auth/passwords.js";
import type { Session } from "../auth/sessions.js";
import type { ConsoleApp } from "../http/app.js";
import { badRequest, conflict, HttpError, unauthorized } from "../http/errors.js";
import { actorOf, userOf } from "../http/principal.js";
import { clearRefreshCookie, isWebClient, refreshCookie, setRefreshCookie } from "../http/refresh-cookie.js";
import { Email, Password, SessionBody, User } from "../http/schemas.js";

const Credentials = Type.Object({ email: Email, password: Password }, { additionalProperties: false });
const RefreshBody = Type.Object(
  {
    refreshToken: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 256,
        description: "required, except from the web UI (X-Rampart-Client: web), whose token is its cookie",
      }),
    ),
  },
  { additionalProperties: false },
);

/** Registration of the first admin, sign-in, token refresh, sign-out, invitations redeemed, own password. */
export async function authRoutes(app: ConsoleApp): Promise<void> {
  const { accounts, sessions, audit, loginLimiter } = app.services;
  const tags = ["auth"];
  /** The session for the caller: whole in JSON, or for the web UI with its refresh token as an HttpOnly cookie. */
  const respond = (req: FastifyRequest, reply: FastifyReply, user: UserView, s: Session) => {
    if (!isWebClient(req)) return { user, ...s };
    setRefreshCookie(req, reply, s.refreshToken, s.refreshExpiresAt);
    const { refreshToken: _inCookie, ...rest } = s;
    return { user, ...rest };
  };
  const presented = (req: FastifyRequest, body: { refreshToken?: string }) => {
    const token = body.refreshToken ?? refreshCookie(req);
    if (!token) throw badRequest("refreshToken is required (from the web UI: its cookie, with X-Rampart-Client: web)");
    return token;
  };
  const checkPolicy = (password: string) => {
    const problem = passwordProblem(password);
    if (problem) throw new HttpError(400, "weak_password", problem);
  };

  app.get(
    "/auth/status",
    {
      schema: {
        summary: "Whether the console still waits for its first admin",
        tags,
        response: { 200: Type.Object({ registrationOpen: Type.Boolean() }, { additionalProperties: false }) },
      },
      config: { access: "public" },
    },
    async () => ({ registrationOpen: await accounts.registrationOpen() }),
  );

  app.post(
    "/auth/register",
    {
      schema: {
        summary: "Register the first user, who becomes admin (refused once any user exists)",
        tags,
        body: Credentials,
        response: { 201: SessionBody },
      },
      config: { access: "public" },
    },
    async (req, reply) => {
      checkPolicy(req.body.password);
      try {
        const user = await accounts.registerFirstAdmin(req.body.email, req.body.password);
        await audit.record({ actor: `user:${user.id}`, action: "user.register-admin", target: user.email });
        return reply.status(201).send(respond(req, reply, user, await sessions.start(user.id)));
      } catch (e) {
        if (e instanceof AccountError) throw new HttpError(403, e.code, e.message);
        throw e;
      }
    },
  );

  app.post(
    "/auth/login",
    {
      schema: { summary: "Sign in with email and password", tags, body: Credentials, response: { 200: SessionBody } },
      config: { access: "public" },
    },
    async (req, reply) => {
      const wait = loginLimiter.take(req.ip);
      if (wait > 0)
        throw new HttpError(
          429,
          "too_many_attempts",
          `too many sign-in attempts from this address: try again in ${wait} s`,
          {
            "retry-after": String(wait),
          },
        );
      const r = await accounts.signIn(req.body.email, req.body.password);
      if (!r.ok) {
        await audit.record({
          actor: "anonymous",
          action: "user.login-failed",
          target: req.body.email.toLowerCase(),
          detail: { reason: r.reason, ip: req.ip },
        });
        if (r.reason === "locked")
          throw new HttpError(
            429,
            "account_locked",
            `too many failed sign-ins: this account is locked for ${r.retryAfterSeconds} s`,
            {
              "retry-after": String(r.retryAfterSeconds),
            },
          );
        // Disabled accounts get the same answer as a wrong password: nothing to learn about accounts here.
        throw unauthorized("wrong email or password");
      }
      await audit.record({ actor: `user:${r.user.id}`, action: "user.login", detail: { ip: req.ip } });
      return respond(req, reply, r.user, await sessions.start(r.user.id));
    },
  );

  app.post(
    "/auth/refresh",
    {
      schema: {
        summary: "Trade a refresh token (once) for a new access token and the next refresh token",
        tags,
        body: RefreshBody,
        response: { 200: SessionBody },
      },
      config: { access: "public" },
    },
    async (req, reply) => {
      const r = await sessions.refresh(presented(req, req.body));
      if (!r.ok) {
        if (r.reason === "reused")
          await audit.record({ actor: "anonymous", action: "session.reuse-detected", detail: { ip: req.ip } });
        throw unauthorized(
          r.reason === "reused"
            ? "refresh token already used: every session of this sign-in is revoked"
            : `refresh token ${r.reason}`,
        );
      }
      const user = await accounts.get(r.userId);
      if (!user) throw unauthorized("refresh token unknown");
      return respond(req, reply, user, r.session);
    },
  );

  app.post(
    "/auth/logout",
    {
      schema: {
        summary: "Sign out: revoke this sign-in's refresh tokens",
        tags,
        body: RefreshBody,
        response: { 204: Type.Null() },
      },
      config: { access: "public" },
    },
    async (req, reply) => {
      if (isWebClient(req)) clearRefreshCookie(req, reply);
      const token = req.body.refreshToken ?? refreshCookie(req);
      const userId = token ? await sessions.revokeByToken(token) : undefined;
      if (userId) await audit.record({ actor: `user:${userId}`, action: "user.logout" });
      return reply.status(204).send(null);
    },
  );

  app.post(
    "/auth/logout-everywhere",
    {
      schema: {
        summary: "Sign out every session of the signed-in user, and refuse every access token issued so far",
        tags,
        response: { 204: Type.Null() },
      },
      config: { access: "read-only" },
    },
    async (req, reply) => {
      const me = userOf(req.principal);
      await sessions.revokeUser(me.userId);
      await audit.record({ actor: actorOf(me), action: "user.logout-everywhere" });
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/auth/me",
    { schema: { summary: "The signed-in user", tags, response: { 200: User } }, config: { access: "read-only" } },
    async (req) => {
      const user = await accounts.get(userOf(req.principal).userId);
      if (!user) throw unauthorized();
      return user;
    },
  );

  app.post(
    "/auth/password",
    {
      schema: {
        summary: "Change your password: every other session and token is revoked, a new session is returned",
        tags,
        body: Type.Object({ currentPassword: Password, newPassword: Password }, { additionalProperties: false }),
        response: { 200: SessionBody },
      },
      config: { access: "read-only" },
    },
    async (req, reply) => {
      const me = userOf(req.principal);
      if (me.via !== "session")
        throw new HttpError(403, "forbidden", "change passwords from a signed-in session, not with an API key");
      if (!(await accounts.checkPassword(me.userId, req.body.currentPassword)))
        throw new HttpError(400, "wrong_password", "the current password is wrong");
      checkPolicy(req.body.newPassword);
      await accounts.setPassword(me.userId, req.body.newPassword);
      await sessions.revokeUser(me.userId);
      await audit.record({ actor: actorOf(me), action: "user.password-change" });
      const user = await accounts.get(me.userId);
      if (!user) throw unauthorized();
      return respond(req, reply, user, await sessions.start(me.userId));
    },
  );

  app.post(
    "/auth/accept",
    {
      schema: {
        summary: "Redeem an invitation (creates your account) or a password reset link (sets your password)",
        tags,
        body: Type.Object(
          { token: Type.String({ minLength: 1, maxLength: 256 }), password: Password },
          { additionalProperties: false },
        ),
        response: { 200: SessionBody },
      },
      config: { access: "public" },
    },
    async (req, reply) => {
      checkPolicy(req.body.password);
      try {
        const { user, kind } = await accounts.redeem(req.body.token, req.body.password);
        if (kind === "password-reset") await app.services.sessions.revokeUser(user.id);
        await audit.record({
          actor: `user:${user.id}`,
          action: kind === "invite" ? "user.join" : "user.password-reset",
          target: user.email,
        });
        return respond(req, reply, user, await sessions.start(user.id));
      } catch (e) {
        if (e instanceof AccountError)
          throw e.code === "email_taken" ? conflict(e.message, e.code) : badRequest(e.message);
        throw e;
      }
    },
  );
}
