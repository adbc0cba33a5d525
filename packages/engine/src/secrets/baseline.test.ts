import { describe, expect, it } from "vitest";
import { BaselineError, BaselineMatcher, parseBaseline, writeBaseline } from "./baseline.js";
import { SecretEngine } from "./engine.js";
import { expectNoLeak, testRules } from "./test-support.js";
import type { SecretFinding } from "./types.js";

const GH = "ghp_4kTz9QwErTy1UiOpAsDfGhJkLzXcVbNm0123";
const AWS = "AKIAZ7Q2MV4XN3KD5RTW";
const engine = new SecretEngine(testRules());
const findings: SecretFinding[] = [
  ...engine.scanText("/app/.env", `GH=${GH}\nAWS=${AWS}\n`),
  ...engine.scanText("/srv/test/config.txt", `gh: ${GH}\n`),
];
const kept = (yaml: string) => {
  const m = new BaselineMatcher(parseBaseline(yaml));
  return findings.filter((f) => !m.suppresses(f)).map((f) => `${f.path}:${f.ruleId}`);
};

describe("secret baseline", () => {
  it("suppresses by fingerprint, wherever the secret is", () => {
    const fp = findings.find((f) => f.ruleId === "github-pat")?.fingerprint;
    expect(kept(`version: 1\nentries:\n  - fingerprint: ${fp}\n    reason: rotated\n`)).toEqual([
      "/app/.env:aws-access-key-id",
    ]);
  });

  it("suppresses by rule, by path glob, and by both together", () => {
    expect(kept("entries:\n  - rule: github-pat\n")).toEqual(["/app/.env:aws-access-key-id"]);
    expect(kept("entries:\n  - path: /srv/**\n")).toEqual(["/app/.env:github-pat", "/app/.env:aws-access-key-id"]);
    expect(kept("- rule: github-pat\n  path: '**/.env'\n")).toEqual([
      "/app/.env:aws-access-key-id",
      "/srv/test/config.txt:github-pat",
    ]);
  });

  it("is written from findings with fingerprints only, and read back to suppress them all", () => {
    const text = writeBaseline(findings);
    expectNoLeak(text, [GH, AWS]);
    expect(text).toContain("# /app/.env:1");
    expect(text).toContain("# /srv/test/config.txt:1");
    const baseline = parseBaseline(text);
    // One entry per distinct secret and rule: the GitHub token seen twice is one entry.
    expect(baseline.entries).toHaveLength(2);
    expect(kept(text)).toEqual([]);
  });

  it("rejects malformed files with a clear error", () => {
    expect(() => parseBaseline("entries: {}")).toThrow(BaselineError);
    expect(() => parseBaseline("entries:\n  - reason: no selector\n")).toThrow(/needs at least one of rule, path/);
    expect(() => parseBaseline("entries:\n  - fingerprint: abc\n")).toThrow(/64 hex digits/);
    expect(() => parseBaseline("version: 2\nentries: []\n")).toThrow(/unsupported version/);
    expect(() => parseBaseline("entries: [\n")).toThrow(/not valid YAML/);
    expect(parseBaseline("").entries).toEqual([]);
  });
});
