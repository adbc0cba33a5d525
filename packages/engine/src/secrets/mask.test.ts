import { describe, expect, it } from "vitest";
import { SecretEngine } from "./engine.js";
import { maskSecret } from "./mask.js";
import { buildSnippet, type MaskedSpan } from "./snippet.js";
import { expectNoLeak, testRules } from "./test-support.js";

describe("maskSecret", () => {
  it("keeps the first 4 and last 2 characters of a secret of 12 or more", () => {
    expect(maskSecret("AKIAZ7Q2MV4XN3KD5RTW")).toBe(`AKIA${"*".repeat(14)}TW`);
    expect(maskSecret("abcdefghijkl")).toBe("abcd******kl");
  });

  it("masks shorter secrets entirely", () => {
    expect(maskSecret("abcdefghijk")).toBe("***********");
    expect(maskSecret("hunter2")).toBe("*******");
  });

  it("never shows more than 6 characters of a long secret, and stays short", () => {
    const key = `-----BEGIN RSA PRIVATE KEY-----\n${"MIIEow".repeat(400)}\n-----END RSA PRIVATE KEY-----`;
    const m = maskSecret(key);
    expect(m.replace(/\*/g, "").length).toBeLessThanOrEqual(6);
    expect(m.length).toBeLessThanOrEqual(22);
    expect(m).not.toMatch(/[\r\n]/);
  });

  it("counts characters, not bytes or UTF-16 units", () => {
    expect(maskSecret("пароль-секрет-12")).toBe("паро**********12");
    expect(maskSecret("🔑🔑🔑🔑secret🔑🔑")).toBe("🔑🔑🔑🔑******🔑🔑");
  });
});

describe("snippets", () => {
  const spans = (text: string, secrets: string[]): MaskedSpan[] =>
    secrets.map((s) => {
      const start = Buffer.byteLength(text.slice(0, text.indexOf(s)));
      return { start, end: start + Buffer.byteLength(s), mask: maskSecret(s) };
    });

  it("mask every secret on the line, not only the finding's own", () => {
    const a = "ghp_4kTz9QwErTy1UiOpAsDfGhJkLzXcVbNm0123";
    const b = "AKIAZ7Q2MV4XN3KD5RTW";
    const line = `token=${a} key=${b}`;
    const bytes = Buffer.from(line);
    const s = spans(line, [a, b]);
    expect(buildSnippet(bytes, 0, bytes.length, s, 0)).toBe(`token=${maskSecret(a)} key=${maskSecret(b)}`);
    expect(buildSnippet(bytes, 0, bytes.length, s, 1)).toBe(`token=${maskSecret(a)} key=${maskSecret(b)}`);
  });

  it("are cut to 200 characters around the secret on long lines", () => {
    const secret = "sk_live_4eC39HqLyjWDarjtT1zdp7dcXyZ";
    const line = `${"x".repeat(5000)} ${secret} ${"y".repeat(5000)}`;
    const bytes = Buffer.from(line);
    const snippet = buildSnippet(bytes, 0, bytes.length, spans(line, [secret]), 0);
    expect(snippet.length).toBeLessThanOrEqual(200);
    expect(snippet).toContain(maskSecret(secret));
    expect(snippet).toMatch(/^x+ sk_l\*+yZ y+$/);
  });

  it("show a multi-line secret's first line masked", () => {
    const rules = testRules();
    const body = "MIIEowIBAAKCAQEA1234567890abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV";
    const key = `-----BEGIN RSA PRIVATE KEY-----\n${body}\n${body}\n-----END RSA PRIVATE KEY-----`;
    const findings = new SecretEngine(rules).scanText("/etc/ssl/private/app.key", `# key\n${key}\n`);
    expect(findings.map((f) => [f.ruleId, f.line, f.column])).toEqual([["private-key", 2, 1]]);
    expect(findings[0]?.snippet).toBe(maskSecret(key));
    expectNoLeak(findings, [key, body]);
  });
});

describe("findings", () => {
  it("carry no secret in any field", () => {
    const secrets = [
      "AKIAZ7Q2MV4XN3KD5RTW",
      "ghp_4kTz9QwErTy1UiOpAsDfGhJkLzXcVbNm0123",
      "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
      "sk_live_4eC39HqLyjWDarjtT1zdp7dcXyZ",
      "Sup3rS3cretPw",
    ];
    const text = [
      `aws_access_key_id=${secrets[0]} github=${secrets[1]}`,
      `slack: "${secrets[2]}" stripe: '${secrets[3]}'`,
      `DATABASE_URL=postgres://app:${secrets[4]}@db.internal:5432/app`,
      `all at once: ${secrets.slice(0, 4).join(" ")}`,
    ].join("\n");
    const findings = new SecretEngine(testRules()).scanText("/app/config.txt", text);
    // The URL password is only a secret inside a URL, so it is kept off the last line: a snippet can only
    // mask what the rules recognise.
    expect(findings.map((f) => `${f.line}:${f.ruleId}`)).toEqual([
      "1:aws-access-key-id",
      "1:github-pat",
      "2:slack-bot-token",
      "2:stripe-secret-key",
      "3:url-password",
      "4:aws-access-key-id",
      "4:github-pat",
      "4:slack-bot-token",
      "4:stripe-secret-key",
    ]);
    expectNoLeak(findings, secrets);
  });
});
