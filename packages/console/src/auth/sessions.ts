import { randomUUID } from "node:crypto";
import type { Store } from "../store/open.js";
import { apiKeyHash, randomToken } from "./api-keys.js";
import type { Tokens } from "./tokens.js";

const REFRESH_PREFIX = "rrt_";
/** A refresh token lives 30 days unless used (rotated) or revoked first. */
const REFRESH_TTL_MS = 30 * 24 * 3600 * 1000;

export interface Session {
  accessToken: string;
  accessExpiresAt: string;
  refreshToken: string;
  refreshExpiresAt: string;
}

export type RefreshOutcome =
  | { ok: true; userId: string; session: Session }
  | { ok: false; reason: "unknown" | "expired" | "revoked" | "reused" };

/**
 * Sign-in sessions: a short-lived access token plus a refresh token that works once. Each refresh marks the
 * presented token used and issues the next one in the same family; presenting a used token again means it
 * was copied, so the whole family is revoked (OAuth 2.0 Security BCP, refresh token rotation).
 */
export class Sessions {
  constructor(
    private readonly store: Store,
    private readonly tokens: Tokens,
  ) {}

  async start(userId: string, familyId: string = randomUUID()): Promise<Session> {
    const refreshToken = randomToken(REFRESH_PREFIX);
    const now = Date.now();
    const refreshExpiresAt = new Date(now + REFRESH_TTL_MS).toISOString();
    await this.store.db
      .insertInto("sessions")
      .values({
        id: randomUUID(),
        user_id: userId,
        family_id: familyId,
        token_hash: apiKeyHash(refreshToken),
        created_at: new Date(now).toISOString(),
        expires_at: refreshExpiresAt,
        used_at: null,
        revoked_at: null,
      })
      .execute();
    const access = await this.tokens.issueAccess(userId);
    return { accessToken: access.token, accessExpiresAt: access.expiresAt, refreshToken, refreshExpiresAt };
  }

  async refresh(refreshToken: string): Promise<RefreshOutcome> {
    const row = await this.store.db
      .selectFrom("sessions")
      .innerJoin("users", "users.id", "sessions.user_id")
      .select([
        "sessions.id",
        "sessions.family_id",
        "sessions.user_id",
        "sessions.expires_at",
        "sessions.used_at",
        "sessions.revoked_at",
        "users.disabled",
      ])
      .where("sessions.token_hash", "=", apiKeyHash(refreshToken))
      .executeTakeFirst();
    if (!row) return { ok: false, reason: "unknown" };
    if (row.revoked_at || row.disabled) return { ok: false, reason: "revoked" };
    const now = new Date().toISOString();
    if (row.expires_at <= now) return { ok: false, reason: "expired" };
    // Only one of two concurrent refreshes with the same token wins this update.
    const claimed = await this.store.db
      .updateTable("sessions")
      .set({ used_at: now })
      .where("id", "=", row.id)
      .where("used_at", "is", null)
      .executeTakeFirst();
    if (row.used_at || Number(claimed.numUpdatedRows) === 0) {
      await this.revokeFamily(row.family_id);
      return { ok: false, reason: "reused" };
    }
    return { ok: true, userId: row.user_id, session: await this.start(row.user_id, row.family_id) };
  }

  /** Logout: the family of this refresh token. Returns the user it belonged to, if any. */
  async revokeByToken(refreshToken: string): Promise<string | undefined> {
    const row = await this.store.db
      .selectFrom("sessions")
      .select(["family_id", "user_id"])
      .where("token_hash", "=", apiKeyHash(refreshToken))
      .executeTakeFirst();
    if (!row) return undefined;
    await this.revokeFamily(row.family_id);
    return row.user_id;
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.store.db
      .updateTable("sessions")
      .set({ revoked_at: new Date().toISOString() })
      .where("family_id", "=", familyId)
      .where("revoked_at", "is", null)
      .execute();
  }

  /**
   * Password change, disable, sign out everywhere: every refresh token of the user, and (through
   * tokens_valid_after) every access token already issued.
   */
  async revokeUser(userId: string): Promise<void> {
    const now = new Date().toISOString();
    await this.store.db.transaction().execute(async (trx) => {
      await trx
        .updateTable("sessions")
        .set({ revoked_at: now })
        .where("user_id", "=", userId)
        .where("revoked_at", "is", null)
        .execute();
      await trx.updateTable("users").set({ tokens_valid_after: now }).where("id", "=", userId).execute();
    });
  }
}
