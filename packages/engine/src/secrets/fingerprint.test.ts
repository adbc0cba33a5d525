import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SecretEngine } from "./engine.js";
import { DEFAULT_FINGERPRINT_SALT, fingerprintSecret } from "./fingerprint.js";
import { testRules } from "./test-support.js";

const TOKEN = "ghp_4kTz9QwErTy1UiOpAsDfGhJkLzXcVbNm0123";

describe("fingerprints", () => {
  it("are stable across scans, files, layers and lines", () => {
    const a = new SecretEngine(testRules()).scanText("/a/.env", `GITHUB=${TOKEN}\n`, "sha256:aa");
    const b = new SecretEngine(testRules()).scanText("/b/deploy.sh", `\n\n  export T=${TOKEN}`, "sha256:bb");
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(1);
    expect(a[0]?.fingerprint).toBe(b[0]?.fingerprint);
    expect(a[0]?.fingerprint).toBe(fingerprintSecret(DEFAULT_FINGERPRINT_SALT, "github-pat", TOKEN));
    expect(a[0]?.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("depend on the salt, the rule and the secret", () => {
    const base = fingerprintSecret("salt-1", "github-pat", TOKEN);
    expect(fingerprintSecret("salt-2", "github-pat", TOKEN)).not.toBe(base);
    expect(fingerprintSecret("salt-1", "other-rule", TOKEN)).not.toBe(base);
    expect(fingerprintSecret("salt-1", "github-pat", `${TOKEN}x`)).not.toBe(base);
    // Field boundaries are unambiguous: moving characters between rule id and secret changes the value.
    expect(fingerprintSecret("s", "ab", "c")).not.toBe(fingerprintSecret("s", "a", "bc"));
  });

  it("cannot be recomputed from the secret alone without the salt", () => {
    const fp = new SecretEngine(testRules(), { salt: "installation-7f3c" }).scanText("/x", TOKEN)[0]?.fingerprint;
    const unsalted = [
      createHash("sha256").update(TOKEN).digest("hex"),
      createHash("sha256").update(`github-pat${TOKEN}`).digest("hex"),
      fingerprintSecret(DEFAULT_FINGERPRINT_SALT, "github-pat", TOKEN).slice(7),
    ];
    expect(fp).toBeDefined();
    for (const u of unsalted) expect(fp).not.toBe(`sha256:${u}`);
    expect(fp).toBe(fingerprintSecret("installation-7f3c", "github-pat", TOKEN));
  });
});
