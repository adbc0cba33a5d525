/**
 * Helpers for the version tests: real version strings from the OSV feed fixtures, deterministic pairings, and
 * batch runs of the reference tools (each tool runs once for thousands of pairs).
 */

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { mulberry32 } from "../../../../test/fixtures/prng.js";
import { readFeed } from "../../../../test/fixtures/vulndb.js";
import type { VersionScheme } from "./scheme.js";

export const FEEDS = fileURLToPath(new URL("../../../../test/fixtures/feeds/osv/", import.meta.url));
export const SETUP_HINT = "run `npm run test:setup` (test/setup/install.sh installs the reference tools)";

/** Every record of one feed zip (test/fixtures/feeds/osv/<feed>/all.zip). */
export const feedRecords = readFeed;

/**
 * The version strings (range events other than "0"/"*", and `versions` lists) that the given feeds hold for
 * one ecosystem (matched on the part before ":"), grouped by package name.
 */
export function feedVersions(ecosystem: string, feeds: string[]): Map<string, Set<string>> {
  const byPackage = new Map<string, Set<string>>();
  for (const feed of feeds) {
    for (const r of feedRecords(feed)) {
      for (const a of r.affected ?? []) {
        const eco = a.package?.ecosystem ?? "";
        if (eco.split(":")[0] !== ecosystem) continue;
        const name = a.package?.name ?? "";
        const set = byPackage.get(name) ?? new Set<string>();
        byPackage.set(name, set);
        for (const v of a.versions ?? []) set.add(v);
        for (const range of a.ranges ?? []) {
          if (range.type === "GIT") continue;
          for (const e of range.events) {
            for (const v of Object.values(e)) if (typeof v === "string" && v !== "0" && !v.includes("*")) set.add(v);
          }
        }
      }
    }
  }
  return byPackage;
}

export const rng = mulberry32;

export type Pair = [string, string];

/**
 * Pairs to check against a reference: every neighbour in our sorted order (agreement on all of them means the
 * reference orders the whole set the same way, since it is itself an order), versions of the same package
 * against each other, and random cross pairs.
 */
export function pairsFor(
  scheme: VersionScheme,
  byPackage: Map<string, Set<string>>,
  opts: { samePackage: number; random: number; seed?: number },
): { pairs: Pair[]; versions: string[]; invalid: string[] } {
  const all = new Set<string>();
  for (const vs of byPackage.values()) for (const v of vs) all.add(v);
  const versions = [...all].filter((v) => scheme.valid(v)).sort();
  const invalid = [...all].filter((v) => !scheme.valid(v)).sort();
  const sorted = [...versions].sort((a, b) => scheme.compare(a, b));
  const pairs: Pair[] = [];
  const seen = new Set<string>();
  const add = (a: string, b: string) => {
    const k = `${a}\t${b}`;
    if (seen.has(k)) return;
    seen.add(k);
    pairs.push([a, b]);
  };
  for (let i = 0; i + 1 < sorted.length; i++) add(sorted[i] as string, sorted[i + 1] as string);
  const rand = rng(opts.seed ?? 20240601);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)] as T;
  const groups = [...byPackage.values()]
    .map((s) => [...s].filter((v) => scheme.valid(v)).sort())
    .filter((g) => g.length > 1);
  for (let n = 0; n < opts.samePackage && groups.length; n++) {
    const g = pick(groups);
    add(pick(g), pick(g));
  }
  for (let n = 0; n < opts.random && versions.length; n++) add(pick(versions), pick(versions));
  return { pairs, versions, invalid };
}

export function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "rampart-version-"));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Fails (never skips) when a reference tool is missing. */
export function requireTool(cmd: string, what: string): string {
  const found = spawnSync("bash", ["-c", `command -v ${cmd}`], { encoding: "utf8" });
  const path = found.stdout.trim();
  if (found.status !== 0 || !path) throw new Error(`${what}: '${cmd}' not found — ${SETUP_HINT}`);
  return path;
}

export function requireFile(path: string, what: string): string {
  if (!existsSync(path)) throw new Error(`${what}: ${path} not found — ${SETUP_HINT}`);
  return path;
}

/** Runs a reference program with one tab-separated pair per input line; returns its output lines. */
export function runReference(
  cmd: string,
  args: string[],
  pairs: Pair[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): string[] {
  const input = `${pairs.map(([a, b]) => `${a}\t${b}`).join("\n")}\n`;
  const out = execFileSync(cmd, args, {
    input,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const lines = out.split("\n").filter((l) => l !== "");
  if (lines.length !== pairs.length) {
    throw new Error(`${cmd}: expected ${pairs.length} answers, got ${lines.length}`);
  }
  return lines;
}

export function writeFile(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const sgn = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

/**
 * Compares our scheme with the reference's answers (-1/0/1 per pair), prints the agreement count and fails
 * listing the first disagreements.
 */
export function expectAgreement(
  label: string,
  scheme: VersionScheme,
  pairs: Pair[],
  reference: number[],
  expected: (pair: Pair, ref: number) => number = (_p, ref) => ref,
): void {
  const bad: string[] = [];
  pairs.forEach((pair, i) => {
    const ref = expected(pair, sgn(reference[i] ?? Number.NaN));
    const ours = sgn(scheme.compare(pair[0], pair[1]));
    if (ours !== ref) bad.push(`${pair[0]} vs ${pair[1]}: reference ${ref}, ${scheme.name} ${ours}`);
  });
  console.log(`${label}: ${pairs.length} pairs checked, ${bad.length} disagreements`);
  expect(bad.slice(0, 40), `${bad.length} disagreements with ${label}`).toEqual([]);
}

/** A table of spec cases: "a < b", "a = b", "a > b" (whitespace-separated). */
export function specPairs(table: string): { pairs: Pair[]; expected: number[] } {
  const pairs: Pair[] = [];
  const expected: number[] = [];
  for (const line of table.split("\n")) {
    const t = line.trim();
    if (!t || t.startsWith("#")) continue;
    const m = /^(\S+)\s+([<=>])\s+(\S+)$/.exec(t);
    if (!m) throw new Error(`bad spec line: ${t}`);
    pairs.push([m[1] as string, m[3] as string]);
    expected.push(m[2] === "<" ? -1 : m[2] === "=" ? 0 : 1);
  }
  return { pairs, expected };
}

/** The spec table must hold for our scheme (and, where passed, for the reference's answers too). */
export function expectSpec(scheme: VersionScheme, table: string): Pair[] {
  const { pairs, expected } = specPairs(table);
  const bad: string[] = [];
  pairs.forEach(([a, b], i) => {
    const want = expected[i] as number;
    if (sgn(scheme.compare(a, b)) !== want) bad.push(`${a} vs ${b}: want ${want}, got ${sgn(scheme.compare(a, b))}`);
    if (sgn(scheme.compare(b, a)) !== -want) bad.push(`${b} vs ${a}: want ${-want} (antisymmetry)`);
  });
  expect(bad).toEqual([]);
  return pairs;
}

/** Builds and runs a throw-away Go module (main package plus any sub-packages) that reads pairs on stdin. */
export function runGo(files: Record<string, string>, pairs: Pair[]): string[] {
  const go = requireTool("go", "Go reference comparer");
  return withTempDir((dir) => {
    writeFile(dir, "go.mod", "module rampartref\n\ngo 1.17\n");
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFile(dir, name, text);
    }
    const env = {
      ...process.env,
      GOFLAGS: "-mod=mod",
      GOPROXY: "off",
      GOWORK: "off",
      GO111MODULE: "on",
      GOTOOLCHAIN: "local",
    };
    return runReference(go, ["run", "."], pairs, { cwd: dir, env });
  });
}
