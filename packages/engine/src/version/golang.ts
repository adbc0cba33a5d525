import { memo } from "../memo.js";
import { compareDigits } from "./digits.js";
import type { VersionScheme } from "./scheme.js";

/**
 * Go module versions, ordered as golang.org/x/mod/semver orders them (the package the go command uses).
 * Hand-written port of that package: npm's `semver` refuses Go's shorthands ("v1", "v1.2" = v1.2.0), and Go
 * requires the "v" prefix. OSV's Go ecosystem writes versions without the "v", so a missing one is added.
 * Build metadata ("+incompatible") is ignored for ordering; pseudo-versions are ordinary pre-releases.
 */
interface GoVersion {
  major: string;
  minor: string;
  patch: string;
  prerelease: string;
}

const NUM = "(0|[1-9][0-9]*)";
const IDENT = "[0-9A-Za-z-]+";
const GO_SEMVER = new RegExp(
  `^v${NUM}(?:\\.${NUM}(?:\\.${NUM}(-${IDENT}(?:\\.${IDENT})*)?(\\+${IDENT}(?:\\.${IDENT})*)?)?)?$`,
);

function parseGoUncached(input: string): GoVersion | undefined {
  const v = input.startsWith("v") ? input : `v${input}`;
  const m = GO_SEMVER.exec(v);
  if (!m) return undefined;
  const prerelease = m[4] ?? "";
  // Numeric pre-release identifiers may not have leading zeros.
  if (
    prerelease.length > 1 &&
    prerelease
      .slice(1)
      .split(".")
      .some((id) => /^0[0-9]+$/.test(id))
  )
    return undefined;
  return { major: m[1] ?? "0", minor: m[2] ?? "0", patch: m[3] ?? "0", prerelease };
}

const isNum = (s: string) => /^[0-9]+$/.test(s);

/** semver.go comparePrerelease(): numeric identifiers before alphanumeric ones, then shorter lists first. */
function comparePrerelease(x: string, y: string): number {
  if (x === y) return 0;
  if (x === "") return 1;
  if (y === "") return -1;
  const xs = x.slice(1).split(".");
  const ys = y.slice(1).split(".");
  for (let i = 0; i < xs.length && i < ys.length; i++) {
    const dx = xs[i] ?? "";
    const dy = ys[i] ?? "";
    if (dx === dy) continue;
    const nx = isNum(dx);
    const ny = isNum(dy);
    if (nx !== ny) return nx ? -1 : 1;
    if (nx) return compareDigits(dx, dy) < 0 ? -1 : 1;
    return dx < dy ? -1 : 1;
  }
  return xs.length === ys.length ? 0 : xs.length < ys.length ? -1 : 1;
}

export function compareGo(a: string, b: string): number {
  const x = parseGo(a);
  const y = parseGo(b);
  // semver.Compare: an invalid version is less than every valid one and equal to other invalid ones; a plain
  // string tie-break keeps the order total (and antisymmetric) on invalid input.
  if (!x || !y) {
    if (x) return 1;
    if (y) return -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return (
    compareDigits(x.major, y.major) ||
    compareDigits(x.minor, y.minor) ||
    compareDigits(x.patch, y.patch) ||
    comparePrerelease(x.prerelease, y.prerelease)
  );
}

export const go: VersionScheme = {
  name: "go",
  valid: (v) => parseGo(v) !== undefined,
  compare: (a, b) => Math.sign(compareGo(a, b)),
};

/** Parsed once per distinct string (see memo). */
export const parseGo = memo(parseGoUncached);
