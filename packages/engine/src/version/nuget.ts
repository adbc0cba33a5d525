import { memo } from "../memo.js";
import type { VersionScheme } from "./scheme.js";

/**
 * NuGet package versions, ordered as NuGet.Versioning's VersionComparer.Default orders them. Hand-written:
 * there is no npm port. Up to four numbers (1.2 = 1.2.0 = 1.2.0.0; each a 32-bit int, leading zeros allowed),
 * then an optional release label compared label by label — numbers (anything Int32.TryParse accepts)
 * numerically and before text, text case-insensitively — with a pre-release before the release; build metadata
 * after "+" is ignored.
 */
interface NuGetVersion {
  numbers: [number, number, number, number];
  release: string[];
}

const IDENT = "[0-9A-Za-z-]+";
const NUGET = new RegExp(
  `^([0-9]+(?:\\.[0-9]+){0,3})(?:-(${IDENT}(?:\\.${IDENT})*))?(?:\\+(${IDENT}(?:\\.${IDENT})*))?$`,
);
const INT32_MAX = 2147483647;

function parseNuGetUncached(input: string): NuGetVersion | undefined {
  const m = NUGET.exec(input);
  if (!m) return undefined;
  const nums = (m[1] ?? "").split(".").map(Number);
  if (nums.some((n) => n > INT32_MAX)) return undefined;
  return {
    numbers: [nums[0] ?? 0, nums[1] ?? 0, nums[2] ?? 0, nums[3] ?? 0],
    release: m[2] ? m[2].split(".") : [],
  };
}

/** Int32.TryParse() with the default NumberStyles.Integer, for a label made of [0-9A-Za-z-]. */
function int32(label: string): number | undefined {
  if (!/^-?[0-9]+$/.test(label)) return undefined;
  const n = Number(label);
  return n >= -2147483648 && n <= INT32_MAX ? n : undefined;
}

/** StringComparer.OrdinalIgnoreCase: code-unit order after upper-casing. */
function ordinalIgnoreCase(a: string, b: string): number {
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareLabel(a: string, b: string): number {
  const x = int32(a);
  const y = int32(b);
  if (x !== undefined && y !== undefined) return Math.sign(x - y);
  if (x !== undefined) return -1;
  if (y !== undefined) return 1;
  return ordinalIgnoreCase(a, b);
}

export function compareNuGetParsed(x: NuGetVersion, y: NuGetVersion): number {
  for (let i = 0; i < 4; i++) {
    const d = (x.numbers[i] ?? 0) - (y.numbers[i] ?? 0);
    if (d) return Math.sign(d);
  }
  // A release sorts after its pre-releases.
  if (x.release.length === 0 || y.release.length === 0) {
    return x.release.length === y.release.length ? 0 : x.release.length === 0 ? 1 : -1;
  }
  for (let i = 0; i < x.release.length || i < y.release.length; i++) {
    const a = x.release[i];
    const b = y.release[i];
    if (a === undefined) return -1;
    if (b === undefined) return 1;
    const r = compareLabel(a, b);
    if (r) return r;
  }
  return 0;
}

export function compareNuGet(a: string, b: string): number {
  const x = parseNuGet(a);
  const y = parseNuGet(b);
  if (x && y) return compareNuGetParsed(x, y);
  if (x) return 1;
  if (y) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export const nuget: VersionScheme = {
  name: "nuget",
  valid: (v) => parseNuGet(v) !== undefined,
  compare: compareNuGet,
};

/** Parsed once per distinct string (see memo). */
export const parseNuGet = memo(parseNuGetUncached);
