// Shared helpers for the secret engine's tests (excluded from the build).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { loadDefaultRuleSet, loadRuleSet, type RuleSet } from "./rules/index.js";

/** The engine tests' own small rule file (stable whatever the shipped rules become). */
export function testRules(): RuleSet {
  const file = join(import.meta.dirname, "testdata", "rules.yaml");
  return loadRuleSet(readFileSync(file, "utf8"), file);
}

let defaults: RuleSet | undefined;
export function defaultRules(): RuleSet {
  defaults ??= loadDefaultRuleSet();
  return defaults;
}

/** The large test images; missing data is a failure with the fix, never a skip. */
export function testdata(...parts: string[]): string {
  const root = process.env.RAMPART_TESTDATA ?? "/tmp/rampart-testdata";
  const path = join(root, ...parts);
  if (!existsSync(path)) throw new Error(`test data ${path} is missing: run \`npm run test:setup\``);
  return path;
}

/**
 * Asserts no secret appears whole in anything the engine gave back (findings, warnings, any field, as
 * serialized), and that every preview shows at most 6 characters that are not stars.
 */
export function expectNoLeak(output: unknown, secrets: readonly string[]): void {
  const text = JSON.stringify(output);
  for (const s of secrets) {
    expect(s.length).toBeGreaterThan(6);
    if (text.includes(s) || text.includes(JSON.stringify(s).slice(1, -1))) {
      throw new Error(`a secret appears whole in the engine's output (secret length ${s.length})`);
    }
  }
  const previews = [...text.matchAll(/"preview":"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
  for (const p of previews) expect(p.replace(/\*/g, "").length).toBeLessThanOrEqual(6);
}

/** A small seeded generator, so planted fake secrets are the same on every run. */
export function seeded(seed: number): { int(n: number): number; pick(alphabet: string, n: number): string } {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  return {
    int: (n) => next() % n,
    pick: (alphabet, n) => Array.from({ length: n }, () => alphabet[next() % alphabet.length]).join(""),
  };
}

export const BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
