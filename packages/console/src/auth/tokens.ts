import { createSecretKey, type KeyObject, randomBytes } from "node:crypto";
import { errors, jwtVerify, SignJWT } from "jose";
import type { Store } from "../store/open.js";

/** Who an access token speaks for. Users' tokens carry no role: the role is read fresh on every request. */
export type TokenClaims =
  | { typ: "access"; sub: string; issuedMs: number; exp: number }
  | { typ: "sensor"; sub: string; key: string; user: string; issuedMs: number; exp: number };

export interface TokenTimes {
  /** Lifetime of a user's access token, in seconds (default 15 minutes). */
  accessTtlSeconds: number;
  /** Lifetime of a sensor token (default 15 minutes). */
  sensorTtlSeconds: number;
}

export class TokenError extends Error {
  override name = "TokenError";
}

const ISSUER = "rampart-console";
const SECRET_NAME = "token-signing-key";

/**
 * Short-lived signed tokens (HS256 JWT, jose). The signing key is generated once and kept in the store, so
 * every console process on one database accepts the others' tokens. Revocation is by time: a user's
 * tokens issued before users.tokens_valid_after are refused by the caller's check.
 */
export class Tokens {
  /**
   * Tokens already verified, until they expire: a sensor presents the same token on every request, and an
   * HMAC through WebCrypto costs more than the request's own work. Bounded; emptied when full.
   */
  private readonly verified = new Map<string, TokenClaims>();
  private readonly key: KeyObject;

  private constructor(
    secret: Uint8Array,
    readonly times: TokenTimes,
  ) {
    this.key = createSecretKey(secret);
  }

  static async open(store: Store, times: Partial<TokenTimes> = {}): Promise<Tokens> {
    const candidate = randomBytes(32).toString("base64url");
    // Two consoles starting together: the first insert wins and both read it back.
    await store.db
      .insertInto("console_secrets")
      .values({ name: SECRET_NAME, value: candidate, created_at: new Date().toISOString() })
      .onConflict((oc) => oc.column("name").doNothing())
      .execute();
    const row = await store.db
      .selectFrom("console_secrets")
      .select("value")
      .where("name", "=", SECRET_NAME)
      .executeTakeFirstOrThrow();
    return new Tokens(Buffer.from(row.value, "base64url"), {
      accessTtlSeconds: times.accessTtlSeconds ?? 900,
      sensorTtlSeconds: times.sensorTtlSeconds ?? 900,
    });
  }

  async issueAccess(userId: string): Promise<{ token: string; expiresAt: string }> {
    return this.sign({ typ: "access" }, userId, this.times.accessTtlSeconds);
  }

  async issueSensorToken(p: { nodeId: string; keyId: string; userId: string }): Promise<{
    token: string;
    expiresAt: string;
  }> {
    return this.sign({ typ: "sensor", key: p.keyId, user: p.userId }, p.nodeId, this.times.sensorTtlSeconds);
  }

  /** The claims of a valid token; TokenError when it is malformed, forged or expired. */
  async verify(token: string): Promise<TokenClaims> {
    const known = this.verified.get(token);
    if (known) {
      if (known.exp * 1000 > Date.now()) return known;
      this.verified.delete(token);
      throw new TokenError("token expired");
    }
    const claims = await this.verifySignature(token);
    if (this.verified.size >= 50_000) this.verified.clear();
    this.verified.set(token, claims);
    return claims;
  }

  private async verifySignature(token: string): Promise<TokenClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: ["HS256"] });
      const { typ, sub, ms: issuedMs, exp } = payload;
      if (typeof sub !== "string" || typeof issuedMs !== "number" || typeof exp !== "number")
        throw new TokenError("token without subject or times");
      if (typ === "access") return { typ, sub, issuedMs, exp };
      if (typ === "sensor" && typeof payload.key === "string" && typeof payload.user === "string")
        return { typ, sub, key: payload.key, user: payload.user, issuedMs, exp };
      throw new TokenError("unknown token type");
    } catch (e) {
      if (e instanceof TokenError) throw e;
      if (e instanceof errors.JWTExpired) throw new TokenError("token expired");
      throw new TokenError("invalid token");
    }
  }

  private async sign(claims: Record<string, string>, subject: string, ttl: number) {
    const now = Date.now();
    const exp = Math.floor(now / 1000) + ttl;
    // `ms`: the issue time to the millisecond (iat has whole seconds), compared with the user's
    // tokens_valid_after so a token issued just after a password change is not refused with the old ones.
    const token = await new SignJWT({ ...claims, ms: now })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(ISSUER)
      .setSubject(subject)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: new Date(exp * 1000).toISOString() };
  }
}
