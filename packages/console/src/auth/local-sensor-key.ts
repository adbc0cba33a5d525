import { mkdirSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { writeFileAtomic } from "@rampart/engine";
import type { AuditLog } from "../audit/audit.js";
import type { Store } from "../store/open.js";
import { apiKeyHash, looksLikeApiKey } from "./api-keys.js";
import { issueApiKey } from "./issue-key.js";

/**
 * The sensor key of the console's own local sensor (`rampart console --local-sensor`): a sensor-scope key of
 * the first admin, kept in a 0600 file of the data directory so a restarted console reuses it. Undefined until
 * an admin exists (no one to own the key yet). A key that was revoked, or whose owner is no longer an enabled
 * admin, is replaced by a new one — audited like any key an admin creates.
 */
export async function localSensorKey(store: Store, audit: AuditLog, file: string): Promise<string | undefined> {
  let kept: string | undefined;
  try {
    kept = readFileSync(file, "utf8").trim();
  } catch {
    // none yet
  }
  if (kept && looksLikeApiKey(kept)) {
    const valid = await store.db
      .selectFrom("api_keys")
      .innerJoin("users", "users.id", "api_keys.user_id")
      .select("api_keys.id")
      .where("api_keys.key_hash", "=", apiKeyHash(kept))
      .where("api_keys.revoked_at", "is", null)
      .where("users.disabled", "=", 0)
      .where("users.role", "=", "admin")
      .executeTakeFirst();
    if (valid) return kept;
  }
  const admin = await store.db
    .selectFrom("users")
    .select("id")
    .where("role", "=", "admin")
    .where("disabled", "=", 0)
    .orderBy("created_at")
    .limit(1)
    .executeTakeFirst();
  if (!admin) return undefined;
  const k = await issueApiKey(store, { userId: admin.id, name: "local sensor", scope: "sensor" });
  await audit.record({
    actor: "console",
    action: "api-key.create",
    target: k.id,
    detail: { name: "local sensor", scope: "sensor", owner: admin.id },
  });
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, (tmp) => writeFile(tmp, k.key, { mode: 0o600 }));
  return k.key;
}
