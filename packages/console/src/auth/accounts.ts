import { randomUUID } from "node:crypto";
import type { Store } from "../store/open.js";
import type { Role } from "../store/schema.js";
import { apiKeyHash, randomToken } from "./api-keys.js";
import { hashPassword, verifyPassword } from "./passwords.js";

export interface UserView {
  id: string;
  email: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
}

export type SignIn =
  | { ok: true; user: UserView }
  | { ok: false; reason: "bad-credentials" | "disabled" }
  | { ok: false; reason: "locked"; retryAfterSeconds: number };

export class AccountError extends Error {
  override name = "AccountError";
  constructor(
    readonly code: "registration_closed" | "email_taken" | "invalid_link" | "last_admin",
    message: string,
  ) {
    super(message);
  }
}

const INVITE_PREFIX = "rin_";
const normalEmail = (email: string) => email.trim().toLowerCase();

/**
 * Users: the first registration (only while there are none) makes the admin; everyone else joins by an
 * admin's invitation. Sign-in counts consecutive failures per account and locks it for a while after too
 * many; unknown accounts cost the same argon2 work as known ones, so timing does not tell which exist.
 */
export class Accounts {
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly store: Store,
    private readonly lockout: { attempts: number; seconds: number },
  ) {}

  async registrationOpen(): Promise<boolean> {
    const row = await this.store.db.selectFrom("users").select("id").limit(1).executeTakeFirst();
    return !row;
  }

  /** The first admin. Two racing registrations: a marker row with a fixed key lets exactly one through. */
  async registerFirstAdmin(email: string, password: string): Promise<UserView> {
    const hash = await hashPassword(password);
    const now = new Date().toISOString();
    try {
      return await this.store.db.transaction().execute(async (trx) => {
        const any = await trx.selectFrom("users").select("id").limit(1).executeTakeFirst();
        if (any)
          throw new AccountError("registration_closed", "the console already has an admin: ask them for an invitation");
        await trx
          .insertInto("console_secrets")
          .values({ name: "first-admin", value: email, created_at: now })
          .execute();
        return this.insertUser(trx, email, hash, "admin", now);
      });
    } catch (e) {
      if (e instanceof AccountError) throw e;
      if (await this.registrationOpen()) throw e;
      throw new AccountError("registration_closed", "the console already has an admin: ask them for an invitation");
    }
  }

  async signIn(email: string, password: string): Promise<SignIn> {
    const user = await this.store.db
      .selectFrom("users")
      .selectAll()
      .where("email", "=", normalEmail(email))
      .executeTakeFirst();
    if (!user) {
      this.dummyHash ??= hashPassword(randomToken("dummy-"));
      await verifyPassword(await this.dummyHash, password);
      return { ok: false, reason: "bad-credentials" };
    }
    const now = Date.now();
    if (user.locked_until && Date.parse(user.locked_until) > now)
      return {
        ok: false,
        reason: "locked",
        retryAfterSeconds: Math.ceil((Date.parse(user.locked_until) - now) / 1000),
      };
    const good = await verifyPassword(user.password_hash, password);
    if (!good) {
      const failed = user.failed_logins + 1;
      const lock = failed >= this.lockout.attempts;
      await this.store.db
        .updateTable("users")
        .set({
          failed_logins: lock ? 0 : failed,
          locked_until: lock ? new Date(now + this.lockout.seconds * 1000).toISOString() : user.locked_until,
        })
        .where("id", "=", user.id)
        .execute();
      if (lock) return { ok: false, reason: "locked", retryAfterSeconds: this.lockout.seconds };
      return { ok: false, reason: "bad-credentials" };
    }
    if (user.disabled) return { ok: false, reason: "disabled" };
    if (user.failed_logins || user.locked_until)
      await this.store.db
        .updateTable("users")
        .set({ failed_logins: 0, locked_until: null })
        .where("id", "=", user.id)
        .execute();
    return { ok: true, user: view(user) };
  }

  async get(id: string): Promise<UserView | undefined> {
    const row = await this.store.db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? view(row) : undefined;
  }

  async list(): Promise<UserView[]> {
    const rows = await this.store.db.selectFrom("users").selectAll().orderBy("created_at").orderBy("id").execute();
    return rows.map(view);
  }

  async checkPassword(id: string, password: string): Promise<boolean> {
    const row = await this.store.db.selectFrom("users").select("password_hash").where("id", "=", id).executeTakeFirst();
    return row ? verifyPassword(row.password_hash, password) : false;
  }

  async setPassword(id: string, password: string): Promise<void> {
    const hash = await hashPassword(password);
    await this.store.db
      .updateTable("users")
      .set({ password_hash: hash, failed_logins: 0, locked_until: null })
      .where("id", "=", id)
      .execute();
  }

  /** Role or disabled flag; the last enabled admin can be neither demoted nor disabled. */
  async update(id: string, change: { role?: Role; disabled?: boolean }): Promise<UserView | undefined> {
    return this.store.db.transaction().execute(async (trx) => {
      const user = await trx.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
      if (!user) return undefined;
      const losesAdmin =
        user.role === "admin" && !user.disabled && ((change.role && change.role !== "admin") || change.disabled);
      if (losesAdmin) {
        const admins = await trx
          .selectFrom("users")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("role", "=", "admin")
          .where("disabled", "=", 0)
          .executeTakeFirstOrThrow();
        if (Number(admins.n) <= 1)
          throw new AccountError("last_admin", "the console must keep at least one enabled admin");
      }
      await trx
        .updateTable("users")
        .set({
          ...(change.role ? { role: change.role } : {}),
          ...(change.disabled === undefined ? {} : { disabled: change.disabled ? 1 : 0 }),
        })
        .where("id", "=", id)
        .execute();
      const after = await trx.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
      return view(after);
    });
  }

  /** An invitation (or a password reset link for an existing user); the token is returned once. */
  async invite(p: {
    kind: "invite" | "password-reset";
    email: string;
    role: Role;
    userId?: string;
    createdBy: string;
    ttlSeconds: number;
  }): Promise<{ id: string; token: string; expiresAt: string }> {
    const email = normalEmail(p.email);
    if (p.kind === "invite") {
      const taken = await this.store.db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst();
      if (taken) throw new AccountError("email_taken", "a user with this email already exists");
    }
    const token = randomToken(INVITE_PREFIX);
    const id = randomUUID();
    const now = Date.now();
    const expiresAt = new Date(now + p.ttlSeconds * 1000).toISOString();
    await this.store.db
      .insertInto("invitations")
      .values({
        id,
        kind: p.kind,
        email,
        role: p.role,
        user_id: p.userId ?? null,
        token_hash: apiKeyHash(token),
        created_by: p.createdBy,
        created_at: new Date(now).toISOString(),
        expires_at: expiresAt,
        used_at: null,
        revoked_at: null,
      })
      .execute();
    return { id, token, expiresAt };
  }

  async invitations() {
    return this.store.db
      .selectFrom("invitations")
      .select(["id", "kind", "email", "role", "created_by", "created_at", "expires_at", "used_at", "revoked_at"])
      .orderBy("created_at", "desc")
      .limit(500)
      .execute();
  }

  async revokeInvitation(id: string): Promise<boolean> {
    const r = await this.store.db
      .updateTable("invitations")
      .set({ revoked_at: new Date().toISOString() })
      .where("id", "=", id)
      .where("used_at", "is", null)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Uses an invitation or reset link once: creates the user, or sets the password. */
  async redeem(token: string, password: string): Promise<{ user: UserView; kind: "invite" | "password-reset" }> {
    const hash = await hashPassword(password);
    const now = new Date().toISOString();
    return this.store.db.transaction().execute(async (trx) => {
      const inv = await trx
        .selectFrom("invitations")
        .selectAll()
        .where("token_hash", "=", apiKeyHash(token))
        .executeTakeFirst();
      if (!inv || inv.used_at || inv.revoked_at || inv.expires_at <= now)
        throw new AccountError(
          "invalid_link",
          "this link is not valid (used, revoked or expired): ask an admin for a new one",
        );
      const used = await trx
        .updateTable("invitations")
        .set({ used_at: now })
        .where("id", "=", inv.id)
        .where("used_at", "is", null)
        .executeTakeFirst();
      if (Number(used.numUpdatedRows) === 0) throw new AccountError("invalid_link", "this link was just used");
      if (inv.kind === "password-reset" && inv.user_id) {
        await trx
          .updateTable("users")
          .set({ password_hash: hash, failed_logins: 0, locked_until: null, tokens_valid_after: now })
          .where("id", "=", inv.user_id)
          .execute();
        const user = await trx.selectFrom("users").selectAll().where("id", "=", inv.user_id).executeTakeFirstOrThrow();
        return { user: view(user), kind: inv.kind };
      }
      const taken = await trx.selectFrom("users").select("id").where("email", "=", inv.email).executeTakeFirst();
      if (taken) throw new AccountError("email_taken", "a user with this email already exists");
      return { user: await this.insertUser(trx, inv.email, hash, inv.role, now), kind: inv.kind };
    });
  }

  private async insertUser(
    trx: Pick<Store["db"], "insertInto" | "selectFrom">,
    email: string,
    hash: string,
    role: Role,
    now: string,
  ): Promise<UserView> {
    const id = randomUUID();
    await trx
      .insertInto("users")
      .values({
        id,
        email: normalEmail(email),
        password_hash: hash,
        role,
        created_at: now,
        tokens_valid_after: now,
        locked_until: null,
      })
      .execute();
    return { id, email: normalEmail(email), role, disabled: false, createdAt: now };
  }
}

function view(u: { id: string; email: string; role: Role; disabled: number; created_at: string }): UserView {
  return { id: u.id, email: u.email, role: u.role, disabled: u.disabled === 1, createdAt: u.created_at };
}
