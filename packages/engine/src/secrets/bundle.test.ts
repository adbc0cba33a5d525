import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { SecretScanner } from "./scanner.js";
import { testRules } from "./test-support.js";

/**
 * The shipped CLI is one esbuild bundle; the worker must be emitted beside it as secrets-worker.mjs (the
 * same build options as packages/cli/bundle.mjs, with the worker as a second entry point). The bundle goes
 * under node_modules/.cache so its external dependencies (re2, yaml, picomatch) resolve as they do for the
 * real dist/.
 */
const ROOT = resolve(import.meta.dirname, "../../../..");
const cache = join(ROOT, "node_modules", ".cache");
mkdirSync(cache, { recursive: true });
const dir = mkdtempSync(join(cache, "rampart-secrets-bundle-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FILES: [string, string][] = [
  ["/app/.env", "GITHUB_TOKEN=ghp_4kTz9QwErTy1UiOpAsDfGhJkLzXcVbNm0123\nAWS=AKIAZ7Q2MV4XN3KD5RTW\n"],
  ["/app/db.txt", "postgres://app:Sup3rS3cretPw@db.internal:5432/app"],
  ["/app/bin", "\u0000\u0001binary ghp_4kTz9QwErTy1UiOpAsDfGhJkLzXcVbNm0123"],
];

describe("bundled build", () => {
  it("starts its workers from secrets-worker.mjs and finds what the sources find", async () => {
    const harness = join(dir, "harness.ts");
    writeFileSync(
      harness,
      `import { SecretScanner } from ${JSON.stringify(join(import.meta.dirname, "index.ts"))};
const [rules, files] = JSON.parse(process.argv[2]);
const s = await SecretScanner.create({ rules, workers: 2 });
await Promise.all(files.map(([p, t]) => s.scan(p, Buffer.from(t))));
process.stdout.write(JSON.stringify(s.results()));
await s.close();
`,
    );
    await build({
      entryPoints: { rampart: harness, "secrets-worker": join(import.meta.dirname, "worker.ts") },
      outdir: join(dir, "dist"),
      outExtension: { ".js": ".mjs" },
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      packages: "external",
      logLevel: "warning",
    });
    const out = execFileSync(
      process.execPath,
      [join(dir, "dist", "rampart.mjs"), JSON.stringify([testRules(), FILES])],
      {
        encoding: "utf8",
      },
    );
    const bundled = JSON.parse(out);

    const s = await SecretScanner.create({ rules: testRules(), workers: 0 });
    for (const [p, t] of FILES) await s.scan(p, Buffer.from(t));
    const fromSources = s.results();
    await s.close();

    expect(bundled.warnings).toEqual([]); // no fallback to the main thread
    expect(bundled).toEqual(fromSources);
    expect(bundled.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual([
      "github-pat",
      "aws-access-key-id",
      "url-password",
    ]);
  });
});
