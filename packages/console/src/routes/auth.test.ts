import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { ADMIN, PASSWORD, type TestConsole, testConsole } from "../http/test-support.js";
import { ENGINES } from "../store/test-support.js";

describe.each(ENGINES)("users, sessions and keys (%s)", (engine) => {
  let c: TestConsole | undefined;
  afterEach(async () => {
    await c?.close();
    c = undefined;
  });
  const con = () => {
    if (!c) throw new Error("no console");
    return c;
  };
  const post = (url: string, payload: object, token?: string) =>
    con().inject({
      method: "POST",
      url: `/api/v1${url}`,
      payload,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
  const get = (url: string, token?: string) =>
    con().inject({ method: "GET", url: `/api/v1${url}`, headers: token ? { authorization: `Bearer ${token}` } : {} });

  it("makes the first user admin, exactly once even when two register at the same moment", async () => {
    c = await testConsole(engine, { register: false });
    expect((await get("/auth/status")).json()).toEqual({ registrationOpen: true });
    const both = await Promise.all([
      post("/auth/register", ADMIN),
      post("/auth/register", { email: "rival@example.test", password: ADMIN.password }),
    ]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([201, 403]);
    const winner = both.find((r) => r.statusCode === 201)?.json();
    expect(winner.user.role).toBe("admin");
    expect(both.find((r) => r.statusCode === 403)?.json().code).toBe("registration_closed");
    expect((await get("/auth/status")).json()).toEqual({ registrationOpen: false });
    expect((await get("/auth/me", winner.accessToken)).json().email).toBe(winner.user.email);
  });

  it("refuses weak passwords and wrong ones, and locks an account after repeated failures", async () => {
    c = await testConsole(engine, { register: false, settings: { lockout: { attempts: 3, seconds: 60 } } });
    const weak = await post("/auth/register", { email: "a@example.test", password: "short" });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().code).toBe("weak_password");
    expect((await post("/auth/register", ADMIN)).statusCode).toBe(201);
    expect((await post("/auth/login", ADMIN)).statusCode).toBe(200);
    const unknown = await post("/auth/login", { email: "nobody@example.test", password: ADMIN.password });
    expect(unknown.statusCode).toBe(401);
    const wrong = { email: ADMIN.email, password: "not the password at all" };
    expect((await post("/auth/login", wrong)).statusCode).toBe(401);
    expect((await post("/auth/login", wrong)).statusCode).toBe(401);
    const locked = await post("/auth/login", wrong);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe("account_locked");
    expect(Number(locked.headers["retry-after"])).toBeGreaterThan(0);
    // Locked means locked: the right password is refused too until the lock lapses.
    expect((await post("/auth/login", ADMIN)).json().code).toBe("account_locked");
    const audit = (
      await c.console.services.store.db.selectFrom("audit_log").select(["action", "detail"]).execute()
    ).map((r) => r.action);
    expect(audit.filter((a) => a === "user.login-failed").length).toBeGreaterThanOrEqual(4);
  });

  it("limits sign-in attempts per address", async () => {
    c = await testConsole(engine, { loginAttemptsPerMinute: 3 });
    for (let i = 0; i < 3; i++) expect((await post("/auth/login", ADMIN)).statusCode).toBe(200);
    const limited = await post("/auth/login", ADMIN);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe("too_many_attempts");
  });

  it("rotates refresh tokens, and revokes the whole sign-in when a used one comes back", async () => {
    c = await testConsole(engine);
    const first = (await post("/auth/login", ADMIN)).json();
    const second = await post("/auth/refresh", { refreshToken: first.refreshToken });
    expect(second.statusCode).toBe(200);
    expect(second.json().refreshToken).not.toBe(first.refreshToken);
    const replay = await post("/auth/refresh", { refreshToken: first.refreshToken });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().message).toMatch(/already used/);
    // The thief's replay cost the legitimate holder their session too: that is the point.
    expect((await post("/auth/refresh", { refreshToken: second.json().refreshToken })).statusCode).toBe(401);
    const other = (await post("/auth/login", ADMIN)).json();
    expect((await post("/auth/logout", { refreshToken: other.refreshToken })).statusCode).toBe(204);
    expect((await post("/auth/refresh", { refreshToken: other.refreshToken })).statusCode).toBe(401);
  });

  it("refuses an expired access token", async () => {
    c = await testConsole(engine, { tokenTimes: { accessTtlSeconds: 1 } });
    expect((await get("/auth/me", c.adminToken)).statusCode).toBe(200);
    await sleep(2100);
    const expired = await get("/auth/me", c.adminToken);
    expect(expired.statusCode).toBe(401);
    expect(expired.json().message).toMatch(/expired/);
  });

  it("revokes every token on password change, and a disabled user's tokens and keys", async () => {
    c = await testConsole(engine);
    const std = await c.tokenFor("standard");
    const stdLogin = (await post("/auth/login", { email: "standard@example.test", password: PASSWORD })).json();
    const key = (await post("/api-keys", { name: "ci" }, std)).json().key as string;
    const changed = await post(
      "/auth/password",
      { currentPassword: PASSWORD, newPassword: "a brand new passphrase" },
      std,
    );
    expect(changed.statusCode).toBe(200);
    expect((await get("/auth/me", std)).statusCode).toBe(401);
    expect((await post("/auth/refresh", { refreshToken: stdLogin.refreshToken })).statusCode).toBe(401);
    expect((await get("/auth/me", changed.json().accessToken)).statusCode).toBe(200);
    expect((await get("/auth/me", key)).statusCode).toBe(200);
    const users = (await get("/users", c.adminToken)).json().users as { id: string; email: string }[];
    const id = users.find((u) => u.email === "standard@example.test")?.id;
    const disabled = await c.inject({
      method: "PATCH",
      url: `/api/v1/users/${id}`,
      headers: c.auth(c.adminToken),
      payload: { disabled: true },
    });
    expect(disabled.statusCode).toBe(200);
    expect((await get("/auth/me", changed.json().accessToken)).statusCode).toBe(401);
    expect((await get("/auth/me", key)).statusCode).toBe(401);
    expect(
      (await post("/auth/login", { email: "standard@example.test", password: "a brand new passphrase" })).statusCode,
    ).toBe(401);
  });

  it("keeps at least one admin", async () => {
    c = await testConsole(engine);
    const me = (await get("/auth/me", c.adminToken)).json();
    const res = await c.inject({
      method: "PATCH",
      url: `/api/v1/users/${me.id}`,
      headers: c.auth(c.adminToken),
      payload: { role: "standard" },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe("last_admin");
  });

  it("lets people join only by invitation, once, before it expires or is revoked", async () => {
    c = await testConsole(engine);
    const inv = await post("/invitations", { email: "Dev@Example.test", role: "standard" }, c.adminToken);
    expect(inv.statusCode).toBe(201);
    expect(inv.json().url).toContain(encodeURIComponent(inv.json().token));
    const joined = await post("/auth/accept", { token: inv.json().token, password: PASSWORD });
    expect(joined.statusCode).toBe(200);
    expect(joined.json().user).toMatchObject({ email: "dev@example.test", role: "standard" });
    expect((await post("/auth/accept", { token: inv.json().token, password: PASSWORD })).statusCode).toBe(400);
    expect((await post("/invitations", { email: "dev@example.test", role: "admin" }, c.adminToken)).statusCode).toBe(
      409,
    );
    const late = (await post("/invitations", { email: "late@example.test", role: "read-only" }, c.adminToken)).json();
    await c.console.services.store.db
      .updateTable("invitations")
      .set({ expires_at: "2020-01-01T00:00:00.000Z" })
      .where("id", "=", late.id)
      .execute();
    expect((await post("/auth/accept", { token: late.token, password: PASSWORD })).statusCode).toBe(400);
    const revoked = (
      await post("/invitations", { email: "gone@example.test", role: "read-only" }, c.adminToken)
    ).json();
    expect(
      (await c.inject({ method: "DELETE", url: `/api/v1/invitations/${revoked.id}`, headers: c.auth(c.adminToken) }))
        .statusCode,
    ).toBe(204);
    expect((await post("/auth/accept", { token: revoked.token, password: PASSWORD })).statusCode).toBe(400);
    const states = (await get("/invitations", c.adminToken))
      .json()
      .invitations.map((i: { email: string; state: string }) => `${i.email}:${i.state}`);
    expect(states.sort()).toEqual(["dev@example.test:used", "gone@example.test:revoked", "late@example.test:expired"]);
    // A password reset link sets the password and signs out everywhere.
    const users = (await get("/users", c.adminToken)).json().users as { id: string; email: string }[];
    const dev = users.find((u) => u.email === "dev@example.test");
    const reset = (await post(`/users/${dev?.id}/password-reset`, {}, c.adminToken)).json();
    expect((await post("/auth/accept", { token: reset.token, password: "reset to this passphrase" })).statusCode).toBe(
      200,
    );
    expect((await get("/auth/me", joined.json().accessToken)).statusCode).toBe(401);
    expect(
      (await post("/auth/login", { email: "dev@example.test", password: "reset to this passphrase" })).statusCode,
    ).toBe(200);
  });

  it("shows an API key once, stores only its hash, and refuses it once revoked; read-only users hold none", async () => {
    c = await testConsole(engine);
    const std = await c.tokenFor("standard");
    const created = await post("/api-keys", { name: "pipeline" }, std);
    expect(created.statusCode).toBe(201);
    const { key, id } = created.json();
    expect(key).toMatch(/^rpk_[0-9A-Za-z]{43}$/);
    const listed = await get("/api-keys", std);
    expect(listed.body).not.toContain(key);
    expect(listed.json().keys).toHaveLength(1);
    const stored = JSON.stringify(await c.console.services.store.db.selectFrom("api_keys").selectAll().execute());
    expect(stored).not.toContain(key);
    expect((await get("/auth/me", key)).json().email).toBe("standard@example.test");
    const sensorKey = (await post("/api-keys", { name: "sensors", scope: "sensor" }, std)).json().key;
    expect((await get("/auth/me", sensorKey)).statusCode).toBe(403);
    expect((await c.inject({ method: "DELETE", url: `/api/v1/api-keys/${id}`, headers: c.auth(std) })).statusCode).toBe(
      204,
    );
    const refused = await get("/auth/me", key);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().message).toMatch(/revoked/);
    const ro = await c.tokenFor("read-only");
    expect((await get("/api-keys", ro)).statusCode).toBe(403);
    expect((await post("/api-keys", { name: "nope" }, ro)).statusCode).toBe(403);
    const audit = await get("/audit?limit=500", c.adminToken);
    const actions = audit.json().entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(["api-key.create", "api-key.revoke", "invitation.create", "user.join"]),
    );
    expect(audit.body).not.toContain(key);
    expect(audit.body).not.toContain(PASSWORD);
  });

  it("gives the web UI its refresh token as an HttpOnly cookie that only the UI's own requests can use", async () => {
    c = await testConsole(engine);
    const web = { "x-rampart-client": "web" };
    const login = await con().inject({ method: "POST", url: "/api/v1/auth/login", payload: ADMIN, headers: web });
    expect(login.statusCode).toBe(200);
    expect(login.json().refreshToken).toBeUndefined();
    expect(login.json().accessToken).toBeTruthy();
    const cookie = String(login.headers["set-cookie"]);
    expect(cookie).toMatch(/^rampart_refresh=rrt_[^;]+; Path=\/api\/v1\/auth; Max-Age=\d+; HttpOnly; SameSite=Strict/);
    const pair = cookie.split(";")[0] as string;
    const refresh = (headers: Record<string, string>) =>
      con().inject({ method: "POST", url: "/api/v1/auth/refresh", payload: {}, headers });
    // Without the UI's header (what a cross-site form could send) the cookie is not read.
    expect((await refresh({ cookie: pair })).statusCode).toBe(400);
    const next = await refresh({ cookie: pair, ...web });
    expect(next.statusCode).toBe(200);
    const nextPair = String(next.headers["set-cookie"]).split(";")[0] as string;
    expect(nextPair).not.toBe(pair);
    // Sign-out clears the cookie and revokes the sign-in.
    const out = await con().inject({
      method: "POST",
      url: "/api/v1/auth/logout",
      payload: {},
      headers: { cookie: nextPair, ...web },
    });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers["set-cookie"])).toMatch(/^rampart_refresh=; .*Max-Age=0/);
    expect((await refresh({ cookie: nextPair, ...web })).statusCode).toBe(401);
    // API clients are unchanged: the token in JSON, no cookie.
    const api = await post("/auth/login", ADMIN);
    expect(api.json().refreshToken).toBeTruthy();
    expect(api.headers["set-cookie"]).toBeUndefined();
  });
});
