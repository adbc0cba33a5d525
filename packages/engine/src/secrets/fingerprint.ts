import { createHmac } from "node:crypto";

/**
 * The salt used when the user supplies none. It is public (it is in the source), so with it a fingerprint
 * can be checked against a list of candidate secrets; installations that store fingerprints where others can
 * read them should set their own salt (`SecretScanOptions.salt`). Changing the salt changes every
 * fingerprint, so baselines are tied to the salt they were written with.
 */
export const DEFAULT_FINGERPRINT_SALT = "rampart-secret-fingerprint-v1";

/**
 * A stable, salted fingerprint of one secret under one rule: HMAC-SHA256 keyed by the salt over
 * `ruleId NUL secret`. The same secret under the same rule and salt always gives the same value, whatever
 * file or layer it is in, so it de-duplicates and allowlists; without the salt it cannot be reversed by
 * hashing a dictionary of secrets.
 */
export function fingerprintSecret(salt: string, ruleId: string, secret: string | Uint8Array): string {
  const h = createHmac("sha256", salt);
  h.update(ruleId);
  h.update("\0");
  h.update(secret);
  return `sha256:${h.digest("hex")}`;
}
