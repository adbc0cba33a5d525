import type { FastifyRequest } from "fastify";
import { apiKeyHash, looksLikeApiKey } from "../auth/api-keys.js";
import { TokenError, type Tokens } from "../auth/tokens.js";
import type { Store } from "../store/open.js";
import type { Principal } from "./principal.js";

/** Only the bearer scheme; everything else is "no credentials". */
function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== "string") return undefined;
  const m = /^Bearer ([\x21-\x7e]{1,4096})$/.exec(h.trim());
  return m?.[1];
}

export type Authentication =
  | { ok: true; principal: Principal }
  | { ok: false; reason: "none" | "invalid" | "expired" | "revoked" | "wrong-kind" };

/**
 * Who presented what: an API key (`rpk_…`, looked up by hash; a sensor-scope key may only register a sensor)
 * or a signed token (a user's access token or a sensor's token). Every check that can revoke is made here, on
 * every request: a disabled user, a password changed since the token was issued, a revoked or expired key.
 */
export async function authenticate(
  req: FastifyRequest,
  store: Store,
  tokens: Tokens,
  wants: "user" | "sensor" | "sensor-key",
): Promise<Authentication> {
  const presented = bearer(req);
  if (!presented) return { ok: false, reason: "none" };
  const now = new Date().toISOString();
  if (looksLikeApiKey(presented)) {
    const key = await store.db
      .selectFrom("api_keys")
      .innerJoin("users", "users.id", "api_keys.user_id")
      .select([
        "api_keys.id as keyId",
        "api_keys.scope",
        "api_keys.revoked_at",
        "api_keys.expires_at",
        "api_keys.last_used_at",
        "users.id as userId",
        "users.email",
        "users.role",
        "users.disabled",
      ])
      .where("api_keys.key_hash", "=", apiKeyHash(presented))
      .executeTakeFirst();
    if (!key) return { ok: false, reason: "invalid" };
    if (key.revoked_at || key.disabled) return { ok: false, reason: "revoked" };
    if (key.expires_at && key.expires_at <= now) return { ok: false, reason: "expired" };
    // last_used_at is for humans reading the key list: written at most once a minute per key.
    if (!key.last_used_at || Date.parse(now) - Date.parse(key.last_used_at) > 60_000)
      await store.db.updateTable("api_keys").set({ last_used_at: now }).where("id", "=", key.keyId).execute();
    if (wants === "sensor-key") {
      // Registering a sensor lets it report and upload: a sensor key, or an API key of a user who may write.
      if (key.scope !== "sensor" && key.role === "read-only") return { ok: false, reason: "wrong-kind" };
      return { ok: true, principal: { kind: "sensor-key", keyId: key.keyId, userId: key.userId } };
    }
    if (key.scope !== "api" || wants !== "user") return { ok: false, reason: "wrong-kind" };
    return {
      ok: true,
      principal: {
        kind: "user",
        userId: key.userId,
        email: key.email,
        role: key.role,
        via: "api-key",
        keyId: key.keyId,
      },
    };
  }
  let claims: Awaited<ReturnType<Tokens["verify"]>>;
  try {
    claims = await tokens.verify(presented);
  } catch (e) {
    return { ok: false, reason: e instanceof TokenError && e.message === "token expired" ? "expired" : "invalid" };
  }
  if (claims.typ === "sensor") {
    if (wants !== "sensor") return { ok: false, reason: "wrong-kind" };
    const key = await sensorKeyState(store, claims.key);
    if (!key || key.revoked_at || key.disabled) return { ok: false, reason: "revoked" };
    if (key.expires_at && key.expires_at <= now) return { ok: false, reason: "expired" };
    return { ok: true, principal: { kind: "sensor", nodeId: claims.sub, keyId: claims.key, userId: claims.user } };
  }
  if (wants !== "user") return { ok: false, reason: "wrong-kind" };
  const user = await store.db
    .selectFrom("users")
    .select(["id", "email", "role", "disabled", "tokens_valid_after"])
    .where("id", "=", claims.sub)
    .executeTakeFirst();
  if (!user || user.disabled) return { ok: false, reason: "revoked" };
  if (claims.issuedMs < Date.parse(user.tokens_valid_after)) return { ok: false, reason: "revoked" };
  return { ok: true, principal: { kind: "user", userId: user.id, email: user.email, role: user.role, via: "session" } };
}

/**
 * Whether the API key behind a sensor token still stands, remembered for a few seconds per key: every report
 * of every sensor of a fleet would otherwise cost a lookup. A revoked key or disabled user stops the
 * sensors within KEY_STATE_MS (and at once on registration, which always looks the key up).
 */
const KEY_STATE_MS = 5_000;
type KeyState = { revoked_at: string | null; expires_at: string | null; disabled: number } | undefined;
const keyStates = new WeakMap<Store, Map<string, { at: number; state: KeyState }>>();

async function sensorKeyState(store: Store, keyId: string): Promise<KeyState> {
  let cache = keyStates.get(store);
  if (!cache) {
    cache = new Map();
    keyStates.set(store, cache);
  }
  const now = Date.now();
  const hit = cache.get(keyId);
  if (hit && now - hit.at < KEY_STATE_MS) return hit.state;
  const state = await store.db
    .selectFrom("api_keys")
    .innerJoin("users", "users.id", "api_keys.user_id")
    .select(["api_keys.revoked_at", "api_keys.expires_at", "users.disabled"])
    .where("api_keys.id", "=", keyId)
    .executeTakeFirst();
  if (cache.size >= 10_000) cache.clear();
  cache.set(keyId, { at: now, state });
  return state;
}
