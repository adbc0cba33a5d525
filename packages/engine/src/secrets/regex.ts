import type RE2 from "re2";
import { lazy } from "../lazy.js";

// Loaded on first use: a scan without the secret scanner never loads the native addon.
const re2 = lazy<typeof RE2>("re2");

/**
 * Rule regexes run on RE2 (the `re2` native addon): matching time is linear in the input whatever the
 * pattern, so a hostile file cannot stall a scan the way a backtracking engine can. Patterns are matched
 * against the raw bytes of a window (a Buffer view, no string conversion); indices come back in bytes.
 * Flags as the rules' reference matcher (rules/match.ts): g, d (group offsets), i on request; no m. Windows
 * start and end at line breaks, so ^ and $ at a window's edges stand where the reference sees "\n".
 */
export type Regex = RE2;

export function compileRegex(source: string, caseInsensitive = false): Regex {
  const RE2 = re2();
  return new RE2(source, caseInsensitive ? "gdi" : "gd");
}

/** A plain (non-global) matcher for testing whole strings, e.g. allowlist entries against a secret. */
export function compileTest(source: string, caseInsensitive = false): Regex {
  const RE2 = re2();
  return new RE2(source, caseInsensitive ? "i" : "");
}

/** Several patterns matched at once (one native call): which of them match `s`. */
export function compileSet(sources: readonly string[]): { match(s: string): number[] } {
  const RE2 = re2();
  return new RE2.Set(sources);
}

export interface Span {
  start: number;
  end: number;
}

/**
 * Yields the match span and the capture group spans of every non-overlapping match in `bytes`.
 * Offsets are byte offsets into `bytes`; a group that did not take part is undefined.
 */
export function* matchAll(re: Regex, bytes: Buffer): Generator<{ match: Span; groups: (Span | undefined)[] }> {
  re.lastIndex = 0;
  for (;;) {
    const m = re.exec(bytes);
    if (m === null) return;
    const indices = m.indices as unknown as ([number, number] | undefined)[];
    const [start, end] = indices[0] as [number, number];
    if (end === start) re.lastIndex = end + 1; // an empty match would loop forever
    yield {
      match: { start, end },
      groups: indices.slice(1).map((g) => (g ? { start: g[0], end: g[1] } : undefined)),
    };
    if (re.lastIndex > bytes.length) return;
  }
}
