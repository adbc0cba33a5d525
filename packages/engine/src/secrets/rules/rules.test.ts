import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  appliesToPath,
  compileRule,
  findSecrets,
  hasKeyword,
  isReportable,
  loadDefaultRuleSet,
  loadRuleSet,
  mergeRuleSets,
  RuleSetError,
  type SecretRule,
  shannonEntropy,
} from "./index.js";

const TESTDATA = join(import.meta.dirname, "testdata");
const defaults = loadDefaultRuleSet();
const compiled = defaults.rules.map(compileRule);
const short = (s: string) => (s.length > 100 ? `${s.slice(0, 100)}…` : s);

/** Category of a rule for reporting: its first tag. */
function category(rule: SecretRule): string {
  return rule.tags[0] ?? "untagged";
}

describe("default secret rules", () => {
  it("load with at least 220 rules, each with examples and a public reference", () => {
    expect(defaults.version).toBe(1);
    expect(defaults.rules.length).toBeGreaterThanOrEqual(220);
    const incomplete = defaults.rules
      .filter(
        (r) =>
          r.examples.positive.length === 0 ||
          r.examples.negative.length === 0 ||
          r.references.length === 0 ||
          r.tags.length === 0,
      )
      .map((r) => r.id);
    expect(incomplete).toEqual([]);
    const byCategory = new Map<string, number>();
    for (const r of defaults.rules) byCategory.set(category(r), (byCategory.get(category(r)) ?? 0) + 1);
    console.log(
      `${defaults.rules.length} rules by category: ${[...byCategory]
        .sort((a, b) => b[1] - a[1])
        .map(([c, n]) => `${c} ${n}`)
        .join(", ")}`,
    );
  });

  it("report every positive example and no negative example (regex, secretGroup, entropy, allowlist)", () => {
    const failures: string[] = [];
    for (const c of compiled) {
      for (const p of c.rule.examples.positive) {
        if (findSecrets(c, p).length === 0) failures.push(`${c.rule.id}: positive not reported: ${short(p)}`);
      }
      for (const n of c.rule.examples.negative) {
        const hits = findSecrets(c, n);
        if (hits.length > 0)
          failures.push(`${c.rule.id}: negative reported (${short(hits[0]?.secret ?? "")}): ${short(n)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("keep a keyword of the rule in every positive, so the prefilter never hides a true positive", () => {
    const hidden = defaults.rules.flatMap((r) =>
      r.examples.positive.filter((p) => !hasKeyword(r, p.toLowerCase())).map((p) => `${r.id}: ${short(p)}`),
    );
    expect(hidden).toEqual([]);
  });

  it("compile in RE2 with the same flags and report the same secrets as JavaScript on every example", () => {
    let RE2: new (source: string, flags: string) => RegExp;
    try {
      RE2 = createRequire(import.meta.url)("re2");
    } catch (e) {
      throw new Error(`the re2 module is needed to check rules against RE2 (npm install): ${(e as Error).message}`);
    }
    const problems: string[] = [];
    for (const c of compiled) {
      let re2: RegExp;
      try {
        re2 = new RE2(c.rule.regex, `g${c.rule.caseInsensitive ? "i" : ""}`);
      } catch (e) {
        problems.push(`${c.rule.id}: RE2 refuses the regex: ${(e as Error).message}`);
        continue;
      }
      for (const text of [...c.rule.examples.positive, ...c.rule.examples.negative]) {
        const js = findSecrets(c, text).map((m) => m.secret);
        const viaRe2 = [...text.matchAll(re2)]
          .map((m) => m[c.rule.secretGroup])
          .filter((s): s is string => s !== undefined && s !== "" && isReportable(c, s));
        if (JSON.stringify(js) !== JSON.stringify(viaRe2)) {
          problems.push(
            `${c.rule.id}: JavaScript ${JSON.stringify(js.map(short))} but RE2 ${JSON.stringify(viaRe2.map(short))} on ${short(text)}`,
          );
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("carry a valid CRC32 checksum in GitHub and npm token examples", () => {
    // ghp_/gho_/ghu_/ghs_/ghr_/npm_ + 30 random base62 + base62(crc32(random part)) padded to 6.
    const B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    const decode = (s: string) => [...s].reduce((n, ch) => n * 62 + B62.indexOf(ch), 0);
    const checked: string[] = [];
    const wrong: string[] = [];
    for (const c of compiled.filter((x) =>
      /^(?:github-(?:pat-classic|oauth-token|user-to-server-token|app-installation-token|refresh-token)|npm-access-token)$/.test(
        x.rule.id,
      ),
    )) {
      for (const p of c.rule.examples.positive) {
        for (const { secret } of findSecrets(c, p)) {
          const body = secret.slice(4, -6);
          checked.push(secret.slice(0, 4));
          if (crc32(Buffer.from(body)) !== decode(secret.slice(-6))) wrong.push(`${c.rule.id}: ${secret.slice(0, 8)}…`);
        }
      }
    }
    expect(new Set(checked)).toEqual(new Set(["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "npm_"]));
    expect(wrong).toEqual([]);
  });

  it("list the positives that other rules also report (overlaps), and never report two different secrets", () => {
    // A line may legitimately hit a specific rule and a generic one (a key named *_TOKEN holding a GitHub
    // token), or two rules on the same secret (a PEM key inside a GCP service-account file). The engine keeps
    // one finding per secret span. What must not happen is two rules claiming *different* secrets in a
    // positive: that would be two findings, one of them wrong.
    const overlaps: string[] = [];
    const conflicts: string[] = [];
    for (const c of compiled) {
      for (const p of c.rule.examples.positive) {
        const own = findSecrets(c, p);
        for (const other of compiled) {
          if (other === c || other.rule.paths.length > 0) continue;
          if (!hasKeyword(other.rule, p.toLowerCase())) continue;
          const hits = findSecrets(other, p);
          if (hits.length === 0) continue;
          overlaps.push(`${c.rule.id} <- ${other.rule.id}`);
          const contained = hits.every((h) => own.some((o) => h.start <= o.end && o.start <= h.end));
          if (!contained)
            conflicts.push(`${c.rule.id} <- ${other.rule.id}: ${short(hits[0]?.secret ?? "")} in ${short(p)}`);
        }
      }
    }
    const counted = new Map<string, number>();
    for (const o of overlaps) counted.set(o, (counted.get(o) ?? 0) + 1);
    console.log(
      `${counted.size} overlapping rule pairs on positives (rule <- also matched by; path-gated rules skipped):\n${[
        ...counted,
      ]
        .map(([pair, n]) => `  ${pair}${n > 1 ? ` (x${n})` : ""}`)
        .join("\n")}`,
    );
    expect(conflicts).toEqual([]);
  });

  it("are all listed in the README's table of covered credentials", () => {
    const readme = readFileSync(join(import.meta.dirname, "README.md"), "utf8");
    expect(defaults.rules.filter((r) => !readme.includes(`| \`${r.id}\` |`)).map((r) => r.id)).toEqual([]);
  });

  it("gate generic rules by entropy and drop obvious placeholders", () => {
    const genericRules = compiled.filter((c) => c.rule.tags.includes("generic"));
    expect(genericRules.length).toBeGreaterThanOrEqual(5);
    for (const c of genericRules) expect(c.rule.entropy, c.rule.id).toBeGreaterThanOrEqual(3.0);
    const password = compiled.find((c) => c.rule.id === "generic-password");
    if (!password) throw new Error("generic-password rule missing");
    for (const placeholder of [
      "changeme123",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell/compose variable reference, as written in configs
      "${DB_PASSWORD}",
      "<password>",
      "xxxxxxxxxxxx",
      "process.env.DB_PASS",
      "your-password-here",
      "os.environ[PASS]",
    ]) {
      expect(findSecrets(password, `password = "${placeholder}"`), placeholder).toEqual([]);
    }
    expect(findSecrets(password, 'password = "Tr0ub4dor&3-Horse!"').map((m) => m.secret)).toEqual([
      "Tr0ub4dor&3-Horse!",
    ]);
  });

  it("run path-gated rules only on their files", () => {
    const dotenv = compiled.find((c) => c.rule.id === "dotenv-secret");
    if (!dotenv) throw new Error("dotenv-secret rule missing");
    expect(appliesToPath(dotenv, "/app/.env")).toBe(true);
    expect(appliesToPath(dotenv, "/app/.env.production")).toBe(true);
    expect(appliesToPath(dotenv, "/app/src/env.ts")).toBe(false);
  });
});

describe("entropy", () => {
  it("is 0 for one repeated character and log2(n) for n distinct ones", () => {
    expect(shannonEntropy("")).toBe(0);
    expect(shannonEntropy("aaaaaaaa")).toBe(0);
    expect(shannonEntropy("abcd")).toBeCloseTo(2);
    expect(shannonEntropy("0123456789abcdef")).toBeCloseTo(4);
  });
});

describe("rule file validation", () => {
  const load = (name: string) => loadRuleSet(readFileSync(join(TESTDATA, name), "utf8"), `testdata/${name}`);
  const problems = (name: string): string[] => {
    try {
      load(name);
    } catch (e) {
      if (e instanceof RuleSetError) return e.problems;
      throw e;
    }
    throw new Error(`${name} loaded without error`);
  };

  it.each([
    ["lookaround.yaml", ['testdata/lookaround.yaml:14: rule "acme-key-not-test": regex uses lookahead "(?!"']],
    ["backreference.yaml", ['testdata/backreference.yaml:7: rule "quoted-password": regex uses backreference "\\1"']],
    [
      "inline-flags.yaml",
      [
        'testdata/inline-flags.yaml:7: rule "acme-token": regex uses inline flags such as (?i) (use caseInsensitive: true)',
      ],
    ],
    [
      "bad-secret-group.yaml",
      ['testdata/bad-secret-group.yaml:8: rule "acme-key": "secretGroup" is 2 but the regex has 1 capture group(s)'],
    ],
    [
      "not-javascript.yaml",
      ['testdata/not-javascript.yaml:7: rule "acme-key": regex does not compile as a JavaScript RegExp'],
    ],
    ["unknown-field.yaml", ['testdata/unknown-field.yaml:8: rule "acme-key": unknown field "secret_group"']],
    [
      "future-version.yaml",
      ["testdata/future-version.yaml:1: rule format version 2 is not supported (this build reads version 1)"],
    ],
    ["empty-match.yaml", ['testdata/empty-match.yaml:7: rule "anything": regex matches the empty string']],
    [
      "duplicate-ids.yaml",
      ['testdata/duplicate-ids.yaml:9: rule "acme-key": duplicate id (first defined at testdata/duplicate-ids.yaml:3)'],
    ],
    ["bad-yaml.yaml", ['testdata/bad-yaml.yaml:6: invalid YAML: Missing closing "quote']],
  ])("%s is refused with the file, line and rule named", (name, expected) => {
    const found = problems(name);
    for (const e of expected)
      expect(
        found.some((p) => p.startsWith(e)),
        `${e}\nin:\n${found.join("\n")}`,
      ).toBe(true);
  });

  it("reports every problem of a file at once", () => {
    const found = problems("missing-fields.yaml");
    expect(found).toEqual([
      expect.stringMatching(/^testdata\/missing-fields\.yaml:3: rule "Bad_ID": "id" must be kebab-case/),
      expect.stringMatching(/^testdata\/missing-fields\.yaml:9: rule "no-title": "title" is required/),
      expect.stringMatching(
        /^testdata\/missing-fields\.yaml:10: rule "no-title": "severity" must be one of critical, high, medium, low, got "urgent"/,
      ),
      expect.stringMatching(
        /^testdata\/missing-fields\.yaml:11: rule "no-title": "keywords" is required and must be a non-empty list/,
      ),
    ]);
    let message = "";
    try {
      load("missing-fields.yaml");
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(
      /^testdata\/missing-fields\.yaml: 4 problems in secret rules:\n {2}testdata\/missing-fields\.yaml:3: /,
    );
  });

  it("refuses a regex that is valid JavaScript but reads differently in RE2", () => {
    const rule = (regex: string) =>
      `version: 1\nrules:\n  - id: r\n    title: R\n    severity: low\n    keywords: ["ab"]\n    regex: '${regex}'\n`;
    const cases: [string, string][] = [
      ["ab.c", "'.'"],
      ["ab[^]", "class starting with ']'"],
      ["ab\\p{L}", "Unicode property"],
      ["ab\\u0041", "\\uHHHH"],
      ["ab{1001}", "repetition count above 1000"],
      ["(?<key>ab)", "named group"],
      ["[\\b]ab", "inside a class"],
    ];
    for (const [regex, why] of cases) {
      expect(() => loadRuleSet(rule(regex), "inline.yaml"), regex).toThrow(why);
    }
  });
});

describe("user rule files", () => {
  const user = loadRuleSet(readFileSync(join(TESTDATA, "user-overrides.yaml"), "utf8"), "testdata/user-overrides.yaml");

  it("replace rules by id, remove disabled ones, add new ids, and warn about unknown disables", () => {
    const warnings: string[] = [];
    const merged = mergeRuleSets(defaults, user, (w) => warnings.push(w));
    const ids = merged.rules.map((r) => r.id);
    expect(ids).not.toContain("generic-token");
    expect(ids.filter((id) => id === "jwt")).toHaveLength(1);
    expect(ids.indexOf("jwt")).toBe(defaults.rules.findIndex((r) => r.id === "jwt"));
    expect(merged.rules.find((r) => r.id === "jwt")?.severity).toBe("critical");
    expect(merged.rules.find((r) => r.id === "jwt")?.source).toBe("testdata/user-overrides.yaml");
    expect(ids.at(-1)).toBe("acme-internal-token");
    expect(merged.rules).toHaveLength(defaults.rules.length - 1 + 1);
    expect(warnings).toEqual([expect.stringContaining('disables rule "generic-tokens"')]);
    expect(merged.source).toBe(`${defaults.source} + testdata/user-overrides.yaml`);
  });

  it("leave the base untouched", () => {
    mergeRuleSets(defaults, user);
    expect(defaults.rules.some((r) => r.id === "generic-token")).toBe(true);
    expect(defaults.rules.find((r) => r.id === "jwt")?.severity).toBe("medium");
  });

  it("run the added rule like a default one", () => {
    const rule = user.rules.find((r) => r.id === "acme-internal-token");
    if (!rule) throw new Error("acme-internal-token missing");
    const c = compileRule(rule);
    expect(findSecrets(c, rule.examples.positive[0] ?? "").map((m) => m.secret)).toEqual([
      "acmi_8f14e45fceea167a5a36dedd4bea2543a1b2c3d4",
    ]);
    expect(findSecrets(c, "acmi_0000")).toEqual([]);
  });
});
