import { randomUUID } from "node:crypto";
import type { Store } from "../store/open.js";
import type { ApiKeyScope } from "../store/schema.js";
import { newApiKey } from "./api-keys.js";

export interface IssuedKey {
  id: string;
  /** The whole key: shown once, never stored. */
  key: string;
  prefix: string;
  scope: ApiKeyScope;
  expiresAt: string | null;
}

/** Stores a new API key of a user (its hash only) and returns it whole, once. */
export async function issueApiKey(
  store: Store,
  k: { userId: string; name: string; scope: ApiKeyScope; expiresAt?: string | null },
): Promise<IssuedKey> {
  const key = newApiKey();
  const id = randomUUID();
  await store.db
    .insertInto("api_keys")
    .values({
      id,
      user_id: k.userId,
      name: k.name,
      prefix: key.prefix,
      key_hash: key.hash,
      created_at: new Date().toISOString(),
      last_used_at: null,
      revoked_at: null,
      scope: k.scope,
      expires_at: k.expiresAt ?? null,
    })
    .execute();
  return { id, key: key.key, prefix: key.prefix, scope: k.scope, expiresAt: k.expiresAt ?? null };
}
