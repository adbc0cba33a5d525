import { describe, expect, it } from "vitest";
import { KeywordAutomaton } from "./prefilter.js";
import { seeded } from "./test-support.js";

/** Every occurrence of every keyword, found the slow obvious way. */
function naive(keywords: readonly string[], text: string): string[] {
  const lower = text.toLowerCase();
  const out: string[] = [];
  keywords.forEach((k, i) => {
    for (let at = lower.indexOf(k); at !== -1; at = lower.indexOf(k, at + 1)) out.push(`${i}@${at + k.length}`);
  });
  return out.sort();
}

function scan(ac: KeywordAutomaton, text: string): string[] {
  const out: string[] = [];
  let last = -1;
  ac.scan(Buffer.from(text, "latin1"), (k, end) => {
    expect(end).toBeGreaterThanOrEqual(last); // hits come in order of end offset
    last = end;
    out.push(`${k}@${end}`);
  });
  return out.sort();
}

describe("keyword prefilter (Aho-Corasick)", () => {
  it("finds overlapping and nested keywords, case-insensitively", () => {
    const ac = new KeywordAutomaton(["pass", "password", "sword", "ord", "word_"]);
    expect(ac.keywords).toEqual(["pass", "password", "sword", "ord", "word_"]);
    const text = "PassWord_ and passpassword";
    expect(scan(ac, text)).toEqual(naive(ac.keywords, text));
    expect(scan(ac, text)).toContain("1@8");
  });

  it("agrees with a naive search on random text, short files and long (two-stream) ones", () => {
    const rnd = seeded(42);
    const alphabet = "abcdeABCDE_-./: \n";
    for (let round = 0; round < 40; round++) {
      const keywords = [
        ...new Set(Array.from({ length: 1 + rnd.int(12) }, () => rnd.pick("abcde_-./:", 1 + rnd.int(6)))),
      ]
        .map((k) => k.toLowerCase())
        .filter((k) => k.trim().length > 0);
      const ac = new KeywordAutomaton(keywords);
      const length = round % 2 === 0 ? rnd.int(300) : 4096 + rnd.int(20_000);
      const text = rnd.pick(alphabet, length);
      expect(scan(ac, text)).toEqual(naive(ac.keywords, text));
    }
  });

  it("sees a keyword across the middle of a long file, and at both ends", () => {
    const ac = new KeywordAutomaton(["secret-key-", "ghp_"]);
    for (const n of [4096, 4097, 10_000, 10_001]) {
      const half = n >>> 1;
      for (const at of [0, half - 11, half - 5, half - 1, half, n - 11]) {
        const text = `${" ".repeat(at)}secret-key-${" ".repeat(Math.max(0, n - at - 11))}`;
        expect(scan(ac, text)).toEqual(naive(ac.keywords, text));
      }
    }
    const edges = `ghp_${"x".repeat(9000)}ghp_`;
    expect(scan(ac, edges)).toEqual(["1@4", `1@${edges.length}`]);
  });

  it("ignores empty keywords and folds duplicates that differ in case", () => {
    const ac = new KeywordAutomaton(["", "AKIA", "akia"]);
    expect(ac.keywords).toEqual(["akia"]);
    expect(scan(ac, "xAkIaz")).toEqual(["0@5"]);
  });
});
