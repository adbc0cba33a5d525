import { memo } from "../memo.js";
import { compareDigits } from "./digits.js";
import type { VersionScheme } from "./scheme.js";

/**
 * RPM versions ([epoch:]version[-release]), ordered as rpm orders them.
 * Hand-written: no npm package compares RPM versions. Port of rpmio/rpmvercmp.c rpmvercmp() (with "~" sorting
 * before everything and "^" after the base version) and of rpmverParse()/rpmverCmp() for the E:V-R split.
 *
 * A version without a release sorts before the same version with any release, as rpm.vercmp() does.
 */
export interface RpmVersion {
  epoch: string;
  version: string;
  release: string | undefined;
}

const PART = /^[A-Za-z0-9._+~^]+$/;

function parseRpmUncached(input: string): RpmVersion | undefined {
  const m = /^(?:([0-9]+):)?([^:]*)$/.exec(input);
  if (!m) return undefined;
  const rest = m[2] ?? "";
  const dash = rest.lastIndexOf("-");
  const version = dash >= 0 ? rest.slice(0, dash) : rest;
  const release = dash >= 0 ? rest.slice(dash + 1) : undefined;
  if (!PART.test(version) || (release !== undefined && !PART.test(release))) return undefined;
  return { epoch: m[1] ?? "0", version, release };
}

/** rpmverParse()'s split, for any string (used for invalid input too, so compare never throws). */
function splitLoose(input: string): RpmVersion {
  let i = 0;
  while (i < input.length && isDigit(input.charCodeAt(i))) i++;
  const hasEpoch = input[i] === ":";
  const epoch = hasEpoch ? input.slice(0, i) || "0" : "0";
  const rest = hasEpoch ? input.slice(i + 1) : input;
  const dash = rest.lastIndexOf("-");
  return dash >= 0
    ? { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) }
    : { epoch, version: rest, release: undefined };
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlpha = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isAlnum = (c: number) => isDigit(c) || isAlpha(c);
const TILDE = 126;
const CARET = 94;

/** rpmvercmp(): compares alternating alphabetic and numeric segments; other characters only separate. */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  const at = (s: string, k: number) => (k < s.length ? s.charCodeAt(k) : 0);
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(at(a, i)) && at(a, i) !== TILDE && at(a, i) !== CARET) i++;
    while (j < b.length && !isAlnum(at(b, j)) && at(b, j) !== TILDE && at(b, j) !== CARET) j++;

    // "~" sorts before everything, even the end of the string.
    if (at(a, i) === TILDE || at(b, j) === TILDE) {
      if (at(a, i) !== TILDE) return 1;
      if (at(b, j) !== TILDE) return -1;
      i++;
      j++;
      continue;
    }
    // "^" sorts after the end of the string but before anything else.
    if (at(a, i) === CARET || at(b, j) === CARET) {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (at(a, i) !== CARET) return 1;
      if (at(b, j) !== CARET) return -1;
      i++;
      j++;
      continue;
    }
    if (!(i < a.length && j < b.length)) break;

    const numeric = isDigit(at(a, i));
    const test = numeric ? isDigit : isAlpha;
    let ie = i;
    let je = j;
    while (ie < a.length && test(at(a, ie))) ie++;
    while (je < b.length && test(at(b, je))) je++;
    const sa = a.slice(i, ie);
    const sb = b.slice(j, je);
    // A numeric segment is newer than an alphabetic one.
    if (sb === "") return numeric ? 1 : -1;
    const rc = numeric ? compareDigits(sa, sb) : sa < sb ? -1 : sa > sb ? 1 : 0;
    if (rc) return rc < 0 ? -1 : 1;
    i = ie;
    j = je;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

export function compareRpm(a: string, b: string): number {
  const x = parseRpm(a) ?? splitLoose(a);
  const y = parseRpm(b) ?? splitLoose(b);
  const e = rpmvercmp(x.epoch, y.epoch);
  if (e) return e;
  const v = rpmvercmp(x.version, y.version);
  if (v) return v;
  if (x.release === undefined || y.release === undefined) {
    return x.release === y.release ? 0 : x.release === undefined ? -1 : 1;
  }
  return rpmvercmp(x.release, y.release);
}

export const rpm: VersionScheme = {
  name: "rpm",
  valid: (v) => parseRpm(v) !== undefined,
  compare: compareRpm,
};

/** Parsed once per distinct string (see memo). */
export const parseRpm = memo(parseRpmUncached);
