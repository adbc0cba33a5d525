import { describe, expect, it } from "vitest";
import { API_KEY_PREFIX, apiKeyHash, looksLikeApiKey, newApiKey } from "./api-keys.js";
import { hashPassword, PasswordPolicyError, verifyPassword } from "./passwords.js";

describe("passwords", () => {
  it("are hashed with argon2id at OWASP's minimum parameters and verify", async () => {
    const h = await hashPassword("correct horse battery");
    expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(await verifyPassword(h, "correct horse battery")).toBe(true);
    expect(await verifyPassword(h, "correct horse batterY")).toBe(false);
    // Two hashes of one password differ (random salt).
    expect(await hashPassword("correct horse battery")).not.toBe(h);
  });

  it("compare as Unicode text, whatever the normal form the client sent", async () => {
    const h = await hashPassword("caf\u00e9-au-lait-noir");
    expect(await verifyPassword(h, "cafe\u0301-au-lait-noir")).toBe(true);
  });

  it("refuse short and over-long passwords; a malformed stored hash never verifies", async () => {
    await expect(hashPassword("short")).rejects.toThrow(PasswordPolicyError);
    await expect(hashPassword("x".repeat(257))).rejects.toThrow(/at most 256/);
    expect(await verifyPassword("not-a-hash", "correct horse battery")).toBe(false);
    expect(await verifyPassword(await hashPassword("y".repeat(12)), "y".repeat(10_000))).toBe(false);
  });
});

describe("API keys", () => {
  it("are random, recognisable, shown by prefix only, and stored as a hash", () => {
    const keys = Array.from({ length: 200 }, newApiKey);
    expect(new Set(keys.map((k) => k.key)).size).toBe(200);
    for (const k of keys) {
      expect(k.key).toMatch(/^rpk_[0-9A-Za-z]{43}$/);
      expect(looksLikeApiKey(k.key)).toBe(true);
      expect(k.prefix).toBe(k.key.slice(0, 12));
      expect(k.hash).toBe(apiKeyHash(k.key));
      expect(k.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(k.hash).not.toContain(k.key.slice(API_KEY_PREFIX.length));
    }
    // Every base-62 character turns up: no character class is left out by the sampling.
    expect(new Set(keys.flatMap((k) => [...k.key.slice(4)])).size).toBe(62);
  });

  it("refuse strings of another shape before any lookup", () => {
    expect(looksLikeApiKey("rpk_short")).toBe(false);
    expect(looksLikeApiKey(`rpk_${"a".repeat(42)}!`)).toBe(false);
    expect(looksLikeApiKey(`xyz_${"a".repeat(43)}`)).toBe(false);
  });
});
