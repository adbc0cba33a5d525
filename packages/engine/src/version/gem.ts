import { memo } from "../memo.js";
import { compareDigits, compareStrings } from "./digits.js";
import type { VersionScheme } from "./scheme.js";

/**
 * RubyGems versions, ordered as Gem::Version#<=> orders them. Hand-written port (no npm package implements
 * it): "-" reads as ".pre.", the version splits into numeric and alphabetic segments, a letter anywhere makes
 * it a pre-release (a string segment sorts before any number), and trailing zero segments of the numeric part
 * and of the pre-release part are dropped ("1.0.a.0" == "1.a").
 */
const ANCHORED_VERSION_PATTERN = /^\s*([0-9]+(?:\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?)?\s*$/;

type Segment = { num: string } | { str: string };

export function validGem(v: string): boolean {
  // Gem::Version.correct? also accepts "" (read as "0"); an empty string is no version here.
  return v.trim() !== "" && ANCHORED_VERSION_PATTERN.test(v);
}

function canonicalSegmentsUncached(version: string): Segment[] {
  const v = version.trim().replaceAll("-", ".pre.");
  const segments: Segment[] = (v.match(/[0-9]+|[a-z]+/gi) ?? []).map((s) =>
    /^[0-9]+$/.test(s) ? { num: s } : { str: s },
  );
  const stringStart = segments.findIndex((s) => "str" in s);
  const numeric = stringStart < 0 ? segments : segments.slice(0, stringStart);
  const strings = stringStart < 0 ? [] : segments.slice(stringStart);
  return [...dropTrailingZeros(numeric), ...dropTrailingZeros(strings)];
}

function dropTrailingZeros(segments: Segment[]): Segment[] {
  let end = segments.length;
  while (end > 0) {
    const s = segments[end - 1];
    if (!s || !("num" in s) || !/^0+$/.test(s.num)) break;
    end--;
  }
  return segments.slice(0, end);
}

const ZERO: Segment = { num: "0" };

export function compareGem(a: string, b: string): number {
  if (a.trim().replaceAll("-", ".pre.") === b.trim().replaceAll("-", ".pre.")) return 0;
  const l = canonicalSegments(a);
  const r = canonicalSegments(b);
  const limit = Math.max(l.length, r.length);
  for (let i = 0; i < limit; i++) {
    const x = l[i] ?? ZERO;
    const y = r[i] ?? ZERO;
    if ("num" in x && "num" in y) {
      const c = compareDigits(x.num, y.num);
      if (c) return Math.sign(c);
    } else if ("str" in x && "str" in y) {
      const c = compareStrings(x.str, y.str);
      if (c) return c;
    } else {
      return "str" in x ? -1 : 1;
    }
  }
  return 0;
}

export const gem: VersionScheme = { name: "gem", valid: validGem, compare: compareGem };

/** Parsed once per distinct string (see memo). */
const canonicalSegments = memo(canonicalSegmentsUncached);
