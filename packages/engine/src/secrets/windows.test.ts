import { describe, expect, it } from "vitest";
import { LineBounds } from "./newlines.js";
import { seeded } from "./test-support.js";
import { WindowCollector } from "./windows.js";

describe("line look-ups for forward-moving hits", () => {
  it("agree with a plain search, for hits in order of end whose starts may step back", () => {
    const rnd = seeded(9);
    for (let round = 0; round < 200; round++) {
      const text = Buffer.from(rnd.pick("ab\n", 1 + rnd.int(400)));
      const lines = new LineBounds(text);
      let end = 0;
      while (true) {
        end += rnd.int(12);
        if (end > text.length) break;
        const start = Math.max(0, end - 1 - rnd.int(6));
        if (text.subarray(start, end).includes(10)) continue; // keywords hold no line break
        expect(lines.newlineBefore(start)).toBe(text.subarray(0, start).lastIndexOf(10));
        const next = text.indexOf(10, end);
        expect(lines.newlineFrom(end)).toBe(next === -1 ? text.length : next);
      }
    }
  });
});

describe("windows", () => {
  const reach = { before: 16, after: 32, neighbors: 8 };

  it("cover every hit, do not overlap, and mark cuts inside lines as hard", () => {
    const rnd = seeded(11);
    for (let round = 0; round < 200; round++) {
      const text = Buffer.from(rnd.pick("xy \n", 1 + rnd.int(600)));
      const c = new WindowCollector([reach, { ...reach, neighbors: 64 }]);
      c.begin(text);
      const hits: [number, number, number][] = [];
      for (let end = 2; end <= text.length; end += 1 + rnd.int(40)) {
        const start = end - 2;
        if (text.subarray(start, end).includes(10)) continue;
        const rule = rnd.int(2);
        c.hit(rule, start, end);
        hits.push([rule, start, end]);
      }
      const windows = c.finish();
      for (const [rule, start, end] of hits) {
        expect(windows.get(rule)?.some((w) => w.start <= start && end <= w.end)).toBe(true);
      }
      for (const ws of windows.values()) {
        ws.forEach((w, i) => {
          if (i > 0) expect(w.start).toBeGreaterThan((ws[i - 1] as { end: number }).end);
          const cutStart = w.start > 0 && text[w.start - 1] !== 10;
          const cutEnd = w.end < text.length && text[w.end] !== 10;
          expect([w.hardStart, w.hardEnd]).toEqual([cutStart, cutEnd]);
        });
      }
      // Reset for the next file.
      c.begin(Buffer.from("z"));
      expect(c.finish().size).toBe(0);
    }
  });
});
