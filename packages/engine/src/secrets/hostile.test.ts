import { describe, expect, it } from "vitest";
import { SecretEngine } from "./engine.js";
import { compileRule, findSecrets, type SecretRule } from "./rules/index.js";
import { defaultRules, seeded } from "./test-support.js";

/**
 * Linear time on hostile input: each input is scanned at two sizes, 10× apart, and the time must grow about
 * 10× (a quadratic step would give ~100×). Ratios, not seconds, so the test holds on slow machines.
 */
const MAX_RATIO = 25;
const engine = new SecretEngine(defaultRules());

function seconds(bytes: Buffer): number {
  const t0 = performance.now();
  const r = engine.scan("/srv/hostile.txt", bytes);
  const t = (performance.now() - t0) / 1000;
  for (const w of r.warnings)
    expect(w).toMatch(/^\/srv\/hostile\.txt: (?:over \d+ secret candidates|\d+ secret findings)/);
  return t;
}

/** Best of a few runs at the small size (noise makes small runs look slow), one run at the large size. */
function growth(make: (size: number) => Buffer, small: number): { ratio: number; small: number; large: number } {
  const a = make(small);
  seconds(a); // warm-up
  const s = Math.min(seconds(a), seconds(a), seconds(a));
  const l = seconds(make(small * 10));
  return { ratio: l / s, small: s, large: l };
}

const MB = 1024 * 1024;
const keywords = [...new Set(defaultRules().rules.flatMap((r) => r.keywords))];

/** Fills `size` bytes by repeating `unit`. */
const fill = (unit: string, size: number) =>
  Buffer.from(unit.repeat(Math.ceil(size / unit.length)).slice(0, size), "latin1");

describe("hostile input", () => {
  it("a single-line file of random base64 with every keyword sprinkled through it: 5 MB vs 50 MB", () => {
    const make = (size: number) => {
      const rnd = seeded(7);
      const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
      const chunk = rnd.pick(b64, 64 * 1024);
      const parts: string[] = [];
      let n = 0;
      for (let i = 0; n < size; i++) {
        const k = keywords[i % keywords.length] as string;
        const piece = `${chunk.slice(0, 4096 + (i % 7) * 512)}${k}=`;
        parts.push(piece);
        n += piece.length;
      }
      return Buffer.from(parts.join("").slice(0, size), "latin1");
    };
    const g = growth(make, 5 * MB);
    console.log(
      `sprinkled keywords: 5 MB ${g.small.toFixed(2)} s, 50 MB ${g.large.toFixed(2)} s, ratio ${g.ratio.toFixed(1)}`,
    );
    expect(g.ratio).toBeLessThan(MAX_RATIO);
  });

  it("a single-line file of one common keyword repeated (every window merges into one): 5 MB vs 50 MB", () => {
    const g = growth((size) => fill("password=secret_token:", size), 5 * MB);
    console.log(
      `repeated keywords: 5 MB ${g.small.toFixed(2)} s, 50 MB ${g.large.toFixed(2)} s, ratio ${g.ratio.toFixed(1)}`,
    );
    expect(g.ratio).toBeLessThan(MAX_RATIO);
  });

  it("a long run of newlines and keywords (line look-ups stay linear): 5 MB vs 50 MB", () => {
    const g = growth((size) => fill("-----BEGIN\nmachine\n\n", size), 5 * MB);
    console.log(
      `short lines: 5 MB ${g.small.toFixed(2)} s, 50 MB ${g.large.toFixed(2)} s, ratio ${g.ratio.toFixed(1)}`,
    );
    expect(g.ratio).toBeLessThan(MAX_RATIO);
  });

  it("inputs crafted against each rule: its keyword repeated with long runs of its own alphabet", () => {
    const crafted = (rule: SecretRule): ((size: number) => Buffer) => {
      // The rule's alphabet: the characters of the secret in its first positive example.
      const c = compileRule(rule);
      const secret = rule.examples.positive.flatMap((e) => findSecrets(c, e))[0]?.secret ?? "A1b2C3d4";
      const alphabet = [...new Set(secret.replace(/[\r\n]/g, ""))].join("") || "A";
      const run = alphabet.repeat(Math.ceil(2000 / alphabet.length)).slice(0, 2000);
      const unit = `${rule.keywords.join("")}${rule.keywords[0]}${run}${rule.keywords[0]}${secret.slice(0, 8)}`;
      return (size) => fill(unit, size);
    };
    let small = 0;
    let large = 0;
    const slowest: [string, number][] = [];
    for (const rule of defaultRules().rules) {
      const g = growth(crafted(rule), 64 * 1024);
      small += g.small;
      large += g.large;
      slowest.push([rule.id, g.large]);
    }
    slowest.sort((a, b) => b[1] - a[1]);
    console.log(
      `crafted per rule: 64 KB ${small.toFixed(2)} s, 640 KB ${large.toFixed(2)} s in all, ratio ${(large / small).toFixed(1)}; ` +
        `slowest at 640 KB: ${slowest
          .slice(0, 3)
          .map(([id, t]) => `${id} ${(t * 1000).toFixed(0)} ms`)
          .join(", ")}`,
    );
    expect(large / small).toBeLessThan(MAX_RATIO);
  });
});
