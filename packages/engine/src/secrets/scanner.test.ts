import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseBaseline } from "./baseline.js";
import { compileRule, findSecrets } from "./rules/index.js";
import { scanText } from "./scan-text.js";
import { SecretScanner } from "./scanner.js";
import { defaultRules, expectNoLeak, testdata, testRules } from "./test-support.js";

/** Real trees plus every default rule's positive examples planted in files of their own. */
function corpus(): [string, Buffer][] {
  const files: [string, Buffer][] = [];
  for (const layer of ["secrets", "node"]) {
    const root = testdata("layers", layer);
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile()) files.push([p.slice(root.length), readFileSync(p)]);
      }
    };
    walk(root);
  }
  for (const rule of defaultRules().rules) {
    const name = rule.paths.length ? ".env" : "config.txt";
    rule.examples.positive.forEach((e, i) => {
      files.push([`/planted/${rule.id}/${i}/${name}`, Buffer.from(`# planted\n${e}\n`)]);
    });
  }
  return files;
}

async function scanAll(scanner: SecretScanner, files: [string, Buffer][]) {
  await Promise.all(
    files.map(async ([path, content]) => {
      if (scanner.wants(path, content.length)) await scanner.scan(path, Buffer.from(content), "sha256:layer");
    }),
  );
  return scanner.results();
}

describe("SecretScanner", () => {
  let files: [string, Buffer][];
  let pooled: Awaited<ReturnType<typeof scanAll>>;
  let single: Awaited<ReturnType<typeof scanAll>>;

  beforeAll(async () => {
    files = corpus();
    const a = await SecretScanner.create({ workers: 2 });
    const b = await SecretScanner.create({ workers: 0 });
    try {
      pooled = await scanAll(a, files);
      single = await scanAll(b, files);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("gives the same results on a pool of workers as on one thread", () => {
    expect(pooled.warnings).toEqual([]);
    expect(pooled.stats).toEqual(single.stats);
    expect(pooled.findings).toEqual(single.findings);
    expect(pooled.findings.length).toBeGreaterThan(defaultRules().rules.length);
  });

  it("finds the planted examples and the secrets layer's keys, sorted by path and line", () => {
    const rules = new Set(pooled.findings.filter((f) => f.path.startsWith("/planted/")).map((f) => f.ruleId));
    expect(rules.size).toBeGreaterThan(defaultRules().rules.length * 0.9);
    const real = pooled.findings.filter((f) => !f.path.startsWith("/planted/")).map((f) => `${f.path} ${f.ruleId}`);
    expect(real).toEqual(expect.arrayContaining(["/etc/ssl/private/server.key pkcs8-private-key"]));
    const order = pooled.findings.map((f) => [f.path, f.line, f.column]);
    const sorted = [...order].sort((x, y) =>
      x[0] !== y[0]
        ? (x[0] as string) < (y[0] as string)
          ? -1
          : 1
        : (x[1] as number) - (y[1] as number) || (x[2] as number) - (y[2] as number),
    );
    expect(order).toEqual(sorted);
    expect(pooled.findings.every((f) => f.layer === "sha256:layer")).toBe(true);
  });

  it("never returns a planted secret whole", () => {
    // The secrets as the rules' reference matcher extracts them from the planted files.
    const secrets = new Set<string>();
    for (const rule of defaultRules().rules) {
      const c = compileRule(rule);
      for (const e of rule.examples.positive)
        for (const m of findSecrets(c, e)) if (m.secret.length >= 12) secrets.add(m.secret);
    }
    expect(secrets.size).toBeGreaterThan(300);
    expectNoLeak(pooled, [...secrets]);
  });
});

describe("SecretScanner options", () => {
  let scanner: SecretScanner;
  beforeAll(async () => {
    scanner = await SecretScanner.create({ rules: testRules(), workers: 1, maxFileBytes: 1000 });
  });
  afterAll(async () => {
    await scanner.close();
  });

  it("decides from path and size alone, counting what it skips", () => {
    expect(scanner.maxFileBytes).toBe(1000);
    expect(scanner.wants("/app/.env", 10)).toBe(true);
    expect(scanner.wants("/app/.env", 1001)).toBe(false);
    expect(scanner.wants("/usr/share/doc/x/README", 10)).toBe(false);
    expect(scanner.wants("/app/a.png", 10)).toBe(false);
  });

  it("takes over a buffer that owns its memory (transfer), and copies a slice of a shared slab", async () => {
    const text = "token=ghp_4kTz9QwErTy1UiOpAsDfGhJkLzXcVbNm0123";
    const owned = Buffer.from(new ArrayBuffer(text.length));
    owned.write(text);
    await scanner.scan("/a/owned.txt", owned);
    expect(owned.buffer.byteLength).toBe(0); // detached: moved to the worker, not copied
    const slab = Buffer.from("key=AKIAZ7Q2MV4XN3KD5RTW"); // small: cut from Node's shared pool
    const neighbour = Buffer.from("still here");
    await scanner.scan("/a/slab.txt", slab);
    expect(slab.toString()).toBe("key=AKIAZ7Q2MV4XN3KD5RTW");
    expect(neighbour.toString()).toBe("still here");
    const r = scanner.results();
    expect(r.findings.map((f) => `${f.path}:${f.ruleId}`)).toEqual([
      "/a/owned.txt:github-pat",
      "/a/slab.txt:aws-access-key-id",
    ]);
    expect(r.stats).toMatchObject({ files: 2, skipped: 3, bytes: text.length + slab.length, binaryBytes: 0 });
  });

  it("counts binary content it only sniffed apart from the bytes it scanned", async () => {
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0]), Buffer.alloc(500, 0x41)]);
    await scanner.scan("/usr/bin/tool", elf);
    expect(scanner.results().stats).toMatchObject({ files: 2, skipped: 4, binaryBytes: 506 });
  });
});

describe("SecretScanner baseline and cache key", () => {
  it("leaves out findings the baseline accepts", async () => {
    const baseline = parseBaseline("entries:\n  - rule: github-pat\n  - path: /srv/**\n");
    const s = await SecretScanner.create({ rules: testRules(), workers: 0, baseline });
    await s.scan("/a", Buffer.from("ghp_4kTz9QwErTy1UiOpAsDfGhJkLzXcVbNm0123 AKIAZ7Q2MV4XN3KD5RTW"));
    await s.scan("/srv/b", Buffer.from("AKIAZ7Q2MV4XN3KD5RTW"));
    const r = s.results();
    expect(r.findings.map((f) => `${f.path}:${f.ruleId}`)).toEqual(["/a:aws-access-key-id"]);
    expect(r.stats.suppressed).toBe(2);
    await s.close();
  });

  it("has a cache key that follows rules and options, and nothing else", async () => {
    const key = async (opts: Parameters<typeof SecretScanner.create>[0]) => {
      const s = await SecretScanner.create({ workers: 0, rules: testRules(), ...opts });
      await s.close();
      return s.cacheKey;
    };
    const base = await key({});
    expect(await key({})).toBe(base);
    const variants = await Promise.all([
      key({ salt: "other" }),
      key({ maxFileBytes: 5 }),
      key({ excludes: [] }),
      key({ baseline: parseBaseline("- rule: x\n") }),
      key({ rules: { ...testRules(), rules: testRules().rules.slice(1) } }),
    ]);
    for (const v of variants) expect(v).not.toBe(base);
    expect(await key({ workers: 2 })).toBe(base);
  });
});

describe("test data", () => {
  it("is there", () => {
    expect(statSync(testdata("layers", "secrets")).isDirectory()).toBe(true);
  });
});

describe("SecretScanner worker failures", () => {
  it("turns a worker that dies into warnings, replaces it, and never rejects", async () => {
    const s = await SecretScanner.create({ rules: testRules(), workers: 1 });
    const internals = s as unknown as { pool: { slots: { worker: { terminate(): Promise<number> } }[] } };
    const text = "token=ghp_4kTz9QwErTy1UiOpAsDfGhJkLzXcVbNm0123\n".repeat(2000);
    const first = Array.from({ length: 40 }, (_, i) => s.scan(`/before/${i}`, Buffer.from(text)));
    await internals.pool.slots[0]?.worker.terminate();
    await Promise.all(first);
    // The replacement scans what comes next.
    await s.scan("/after", Buffer.from("AKIAZ7Q2MV4XN3KD5RTW"));
    const r = s.results();
    await s.close();
    expect(
      r.warnings.some((w) => /^secret scan worker failed \(exit code \d+\); \d+ file\(s\) not scanned$/.test(w)),
    ).toBe(true);
    expect(r.findings.some((f) => f.path === "/after" && f.ruleId === "aws-access-key-id")).toBe(true);
    expectNoLeak(r, ["ghp_4kTz9QwErTy1UiOpAsDfGhJkLzXcVbNm0123", "AKIAZ7Q2MV4XN3KD5RTW"]);
  });

  it("resolves files still queued when it is closed", async () => {
    const s = await SecretScanner.create({ rules: testRules(), workers: 1 });
    const pending = Array.from({ length: 100 }, (_, i) => s.scan(`/f/${i}`, Buffer.from("AKIAZ7Q2MV4XN3KD5RTW")));
    await s.close();
    await Promise.all(pending);
    expect(s.results().findings.length).toBeLessThanOrEqual(100);
  });
});

describe("scanText", () => {
  it("scans with the shipped rules on the calling thread", () => {
    const findings = scanText("/app/.env", "GITHUB_TOKEN=ghp_4kTz9QwErTy1UiOpAsDfGhJkLzXcVbNm0123\n");
    expect(findings.map((f) => f.ruleId)).toEqual([expect.stringMatching(/^github-/)]);
    expect(scanText("/x", "AKIAZ7Q2MV4XN3KD5RTW", { rules: testRules(), salt: "s" })[0]?.fingerprint).toBe(
      scanText("/y", "AKIAZ7Q2MV4XN3KD5RTW", { rules: testRules(), salt: "s" })[0]?.fingerprint,
    );
  });
});
