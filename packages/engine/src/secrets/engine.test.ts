import { describe, expect, it } from "vitest";
import { SecretEngine } from "./engine.js";
import { DEFAULT_FINGERPRINT_SALT, fingerprintSecret } from "./fingerprint.js";
import {
  appliesToPath,
  compileRule,
  findSecrets,
  hasKeyword,
  loadRuleSet,
  type RuleSet,
  type SecretRule,
} from "./rules/index.js";
import { defaultRules, expectNoLeak, testRules } from "./test-support.js";

const ACME = loadRuleSet(
  `version: 1
rules:
  - id: acme-token
    title: ACME token
    severity: high
    keywords: [acme]
    regex: '\\b(tok_[a-z0-9]{20})\\b'
    secretGroup: 1
`,
  "acme.yaml",
);
const TOK = "tok_0123456789abcdefghij";

describe("keyword prefilter and windows", () => {
  const engine = new SecretEngine(ACME);
  const lines = (text: string) => engine.scanText("/app/a.txt", text).map((f) => `${f.line}:${f.column}`);

  it("run a rule's regex only where one of its keywords is", () => {
    expect(lines(`token = ${TOK}`)).toEqual([]);
    expect(lines(`ACME token = ${TOK}`)).toEqual(["1:14"]);
  });

  it("look at neighbouring lines within 256 bytes of the keyword's line, no further", () => {
    const near = `# acme\n${"x".repeat(100)}\n${TOK}\n`;
    expect(lines(near)).toEqual(["3:1"]);
    const far = `# acme\n${"x\n".repeat(200)}${TOK}\n`;
    expect(lines(far)).toEqual([]);
    expect(lines(`${TOK}\n${"y".repeat(200)}\n# acme`)).toEqual(["1:1"]);
  });

  it("look up to 4 KB after and 1 KB before the keyword on a long line", () => {
    expect(lines(`acme ${"~".repeat(4000)} ${TOK} ${"~".repeat(100_000)}`)).toEqual(["1:4007"]);
    expect(lines(`acme ${"~".repeat(5000)} ${TOK}`)).toEqual([]);
    expect(lines(`${"~".repeat(100_000)} ${TOK} ${"~".repeat(900)} acme ${"~".repeat(100_000)}`)).toEqual(["1:100002"]);
    expect(lines(`${TOK} ${"~".repeat(1100)} acme`)).toEqual([]);
  });

  it("never report a token cut at a window's edge inside a line", () => {
    // The keyword's reach ends inside this 30-character run: a match there would be a fragment.
    const run = "tok_0123456789abcdefghijklmnopqrstuvwxyz";
    for (let pad = 4060; pad < 4110; pad++) {
      for (const f of engine.scanText("/a", `acme ${"~".repeat(pad)} ${run}`)) {
        throw new Error(`fragment reported at column ${f.column} (pad ${pad})`);
      }
    }
  });

  it("find secrets at the very start and end of a file, with CRLF line ends", () => {
    expect(lines(`${TOK} acme`)).toEqual(["1:1"]);
    expect(lines(`acme\r\n\r\n${TOK}`)).toEqual(["3:1"]);
    expect(lines(`acme\r\n${TOK}\r\n`)).toEqual(["2:1"]);
  });

  it("merge overlapping windows: many hits cost no more than one pass per rule", () => {
    const text = `${"acme ".repeat(20_000)}${TOK} ${"acme ".repeat(20_000)}`;
    expect(lines(text)).toEqual(["1:100001"]);
  });
});

describe("matching", () => {
  const engine = new SecretEngine(testRules());
  const found = (path: string, text: string) => engine.scanText(path, text).map((f) => `${f.line}:${f.ruleId}`);

  it("reports the rule's secret group, with its line and column (UTF-16 units)", () => {
    const [f] = engine.scanText("/app/db.txt", "héllo 🔑\r\nurl: postgres://app:Sup3rS3cretPw@db:5432/x");
    expect(f).toMatchObject({ ruleId: "url-password", line: 2, column: 21, preview: "Sup3*******Pw" });
    expect(f?.fingerprint).toBe(fingerprintSecret(DEFAULT_FINGERPRINT_SALT, "url-password", "Sup3rS3cretPw"));
  });

  it("applies entropy floors and allowlists to the secret", () => {
    expect(found("/a.py", `password = "Xq3!vR9#kLp2"`)).toEqual(["1:generic-password"]);
    expect(found("/a.py", `password = "aaaaaaaaaaaa"`)).toEqual([]); // entropy 0
    expect(found("/a.py", `password = "changeme-Xq3!vR9#kLp2"`)).toEqual([]); // allowlisted
    expect(found("/a.py", `PASSWORD = '\${DB_PASSWORD_FROM_ENV}'`)).toEqual([]);
    expect(found("/a.py", "key AKIAIOSFODNN7EXAMPLE")).toEqual([]);
  });

  it("runs path-bound rules only on their paths", () => {
    const line = "//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789";
    expect(found("/root/.npmrc", line)).toEqual(["1:npm-auth-token"]);
    expect(found("/app/npmrc.txt", line)).toEqual([]);
  });

  it("keeps one finding per secret, preferring a specific rule to a generic one", () => {
    const gh = "ghp_4kTz9QwErTy1UiOpAsDfGhJkLzXcVbNm0123";
    expect(found("/a.py", `password = "${gh}"`)).toEqual(["1:github-pat"]);
    expect(found("/a.py", `x = "${gh}" # ${gh}`)).toEqual(["1:github-pat", "1:github-pat"]);
  });

  it("caps findings per file with a warning", () => {
    const small = new SecretEngine(testRules(), { maxFindingsPerFile: 3 });
    const text = Array.from({ length: 10 }, (_, i) => `AKIAZ7Q2MV4XN3KD5R${"ABCDEFGHIJ"[i]}W`).join("\n");
    const r = small.scan("/a", Buffer.from(text));
    expect(r.findings).toHaveLength(3);
    expect(r.warnings).toEqual(["/a: 10 secret findings; only the first 3 are reported"]);
  });

  it("warns about rules it cannot use and runs the others", () => {
    const rules: RuleSet = { ...testRules() };
    const bad = { ...(rules.rules[0] as SecretRule), id: "bad-rule", regex: "(?<=x)y" };
    const bare = { ...(rules.rules[0] as SecretRule), id: "no-keywords", keywords: [] };
    const e = new SecretEngine({ ...rules, rules: [...rules.rules, bad, bare] });
    expect(e.warnings).toEqual([
      expect.stringMatching(/^secret rule bad-rule: regex does not compile/),
      "secret rule no-keywords: no keywords; skipped (rules run only near one of their keywords)",
    ]);
    expect(e.scanText("/a", "AKIAZ7Q2MV4XN3KD5RTW")).toHaveLength(1);
  });
});

/**
 * The rules' reference matcher (rules/match.ts: whole text, JavaScript RegExp) with the engine's
 * de-duplication, as "rule@line:fingerprint" — what the engine must report on the same file.
 */
function reference(rules: RuleSet, path: string, text: string): string[] {
  const lower = text.toLowerCase();
  const found: { rule: SecretRule; start: number; end: number; secret: string }[] = [];
  for (const c of compiledReference(rules)) {
    if (!appliesToPath(c, path) || !hasKeyword(c.rule, lower)) continue;
    for (const m of findSecrets(c, text)) found.push({ rule: c.rule, start: m.start, end: m.end, secret: m.secret });
  }
  const generic = (r: SecretRule) => r.tags.includes("generic");
  const rank = { critical: 4, high: 3, medium: 2, low: 1 };
  const order = new Map(rules.rules.map((r, i) => [r.id, i]));
  const better = (a: (typeof found)[0], b: (typeof found)[0]) =>
    generic(a.rule) !== generic(b.rule)
      ? !generic(a.rule)
      : rank[a.rule.severity] !== rank[b.rule.severity]
        ? rank[a.rule.severity] > rank[b.rule.severity]
        : (order.get(a.rule.id) ?? 0) < (order.get(b.rule.id) ?? 0);
  const sameSpan = found.filter(
    (f) => !found.some((o) => o !== f && o.start === f.start && o.end === f.end && better(o, f)),
  );
  const kept = sameSpan.filter(
    (f) => !generic(f.rule) || !sameSpan.some((o) => !generic(o.rule) && o.start < f.end && f.start < o.end),
  );
  return kept
    .map((f) => {
      const line = text.slice(0, f.start).split("\n").length;
      return `${f.rule.id}@${line}:${fingerprintSecret(DEFAULT_FINGERPRINT_SALT, f.rule.id, f.secret)}`;
    })
    .sort();
}

const compiledCache = new WeakMap<RuleSet, ReturnType<typeof compileRule>[]>();
function compiledReference(rules: RuleSet) {
  let c = compiledCache.get(rules);
  if (!c) {
    c = rules.rules.map(compileRule);
    compiledCache.set(rules, c);
  }
  return c;
}

/** A path on which a path-bound rule runs (each `paths` regex of the default set matches one of these). */
const PATHS = [
  "/app/settings.txt",
  "/app/.env",
  "/app/config.yaml",
  "/root/.npmrc",
  "/root/.netrc",
  "/root/.edgerc",
  "/root/.docker/config.json",
];
const pathFor = (rule: SecretRule) =>
  PATHS.find((p) => rule.paths.length === 0 || rule.paths.some((r) => new RegExp(r).test(p))) as string;

describe("the engine against the rules' reference matcher", () => {
  const rules = defaultRules();
  const engine = new SecretEngine(rules);
  const scan = (path: string, text: string) => {
    const findings = engine.scanText(path, text);
    return findings.map((f) => `${f.ruleId}@${f.line}:${f.fingerprint}`).sort();
  };
  const filler = Array.from({ length: 40 }, (_, i) => `# ---- filler line ${i} ----`).join("\n");
  /** Each example, placed where windowing could lose it. */
  const placements = (e: string): [string, string][] => [
    ["alone", e],
    ["file start", `${e}\n${filler}`],
    ["file end, no newline", `${filler}\n${e}`],
    ["CRLF", `${filler}\n${e}\n${filler}`.replace(/\r?\n/g, "\r\n")],
    ["long line", `${"~".repeat(20_000)} ${e.replace(/\n/g, " \n")} ${"~".repeat(20_000)}`],
    ["many on a line", Array.from({ length: 3 }, () => e.replace(/\n/g, " \n")).join(" ~ ")],
  ];

  it("every rule has a path it runs on", () => {
    expect(rules.rules.filter((r) => pathFor(r) === undefined).map((r) => r.id)).toEqual([]);
  });

  it("finds what the reference finds in every positive example of every default rule, wherever it is placed", () => {
    const misses: string[] = [];
    let checked = 0;
    for (const rule of rules.rules) {
      const path = pathFor(rule);
      for (const example of rule.examples.positive) {
        for (const [where, text] of placements(example)) {
          const expected = reference(rules, path, text);
          const actual = scan(path, text);
          checked++;
          if (JSON.stringify(actual) !== JSON.stringify(expected)) {
            misses.push(
              `${rule.id} (${where}): engine ${JSON.stringify(actual)} reference ${JSON.stringify(expected)}`,
            );
          }
        }
      }
    }
    expect(misses).toEqual([]);
    expect(checked).toBeGreaterThan(rules.rules.length * 6);
  });

  it("reports nothing the reference does not on every negative example", () => {
    const extra: string[] = [];
    for (const rule of rules.rules) {
      const path = pathFor(rule);
      for (const example of rule.examples.negative) {
        const expected = reference(rules, path, example);
        const actual = scan(path, example);
        if (JSON.stringify(actual) !== JSON.stringify(expected)) extra.push(`${rule.id}: ${actual} vs ${expected}`);
      }
    }
    expect(extra).toEqual([]);
  });

  it("never lets a secret from an example out whole", () => {
    const all: unknown[] = [];
    const secrets = new Set<string>();
    for (const c of compiledReference(rules)) {
      for (const example of c.rule.examples.positive) {
        for (const m of findSecrets(c, example)) if (m.secret.length >= 12) secrets.add(m.secret);
        all.push(engine.scanText(pathFor(c.rule), example));
      }
    }
    expect(secrets.size).toBeGreaterThan(rules.rules.length / 2);
    expectNoLeak(all, [...secrets]);
  });
});
