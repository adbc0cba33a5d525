import type { VersionScheme } from "./scheme.js";

/**
 * Packagist (Composer) versions, ordered as Composer orders them: composer/semver's
 * VersionParser::normalize() ("v" prefix dropped, padded to four numbers, stability suffixes spelled out:
 * 1.0RC1 -> 1.0.0.0-RC1, 2.1-p1 -> 2.1.0.0-patch1), then PHP's version_compare() on the normalized strings
 * (dev < alpha < beta < RC < release < patch). Hand-written port of both: there is no npm package for either.
 * Branch names ("dev-main") have no order and are refused; numeric branches ("1.x-dev") are kept.
 */
const MODIFIER = "[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\\d+)*)?)?([.-]?dev)?";
const CLASSICAL = new RegExp(`^v?(\\d{1,5})(\\.\\d+)?(\\.\\d+)?(\\.\\d+)?${MODIFIER}$`, "i");
const DATE = new RegExp(`^v?(\\d{4}(?:[.:-]?\\d{2}){1,6}(?:[.:-]?\\d{1,3})?)${MODIFIER}$`, "i");
const BRANCH = /^v?(\d+)(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?$/i;

/** PHP trim() with its default character set: space, \t, \n, \r, NUL, vertical tab. */
const TRIM = new Set([" ", "\t", "\n", "\r", "\u0000", "\u000b"]);
function phpTrim(s: string): string {
  let i = 0;
  let j = s.length;
  while (i < j && TRIM.has(s[i] as string)) i++;
  while (j > i && TRIM.has(s[j - 1] as string)) j--;
  return s.slice(i, j);
}

function expandStability(s: string): string {
  const x = s.toLowerCase();
  if (x === "a") return "alpha";
  if (x === "b") return "beta";
  if (x === "p" || x === "pl") return "patch";
  if (x === "rc") return "RC";
  return x;
}

function normalizeBranch(name: string): string {
  const m = BRANCH.exec(phpTrim(name));
  if (!m) return `dev-${phpTrim(name)}`;
  let version = "";
  for (let i = 1; i < 5; i++) version += m[i] !== undefined ? m[i]?.replace(/[*X]/g, "x") : ".x";
  return `${version.replaceAll("x", "9999999")}-dev`;
}

/** VersionParser::normalize(); undefined where it throws. */
export function normalizeComposer(input: string): string | undefined {
  let version = phpTrim(input);
  const alias = /^([^,\s]+) +as +([^,\s]+)$/.exec(version);
  if (alias) version = alias[1] ?? version;
  const flag = /@(?:stable|RC|beta|alpha|dev)$/i.exec(version);
  if (flag) version = version.slice(0, version.length - flag[0].length);
  if (version === "master" || version === "trunk" || version === "default") version = `dev-${version}`;
  if (version.toLowerCase().startsWith("dev-")) return `dev-${version.slice(4)}`;
  const build = /^([^,\s+]+)\+[^\s]+$/.exec(version);
  if (build) version = build[1] ?? version;

  let m = CLASSICAL.exec(version);
  let index: number;
  if (m) {
    version = `${m[1]}${m[2] || ".0"}${m[3] || ".0"}${m[4] || ".0"}`;
    index = 5;
  } else {
    m = DATE.exec(version);
    if (m) {
      version = (m[1] ?? "").replace(/\D/g, ".");
      index = 2;
    } else {
      index = 0;
    }
  }
  if (m && index) {
    const stability = m[index];
    if (stability) {
      if (stability === "stable") return version;
      const n = m[index + 1];
      version += `-${expandStability(stability)}${n ? n.replace(/^[.-]+/, "") : ""}`;
    }
    if (m[index + 2]) version += "-dev";
    return version;
  }
  const dev = /^(.*?)[.-]?dev$/i.exec(version);
  if (dev) {
    const normalized = normalizeBranch(dev[1] ?? "");
    if (!normalized.includes("dev-")) return normalized;
  }
  return undefined;
}

// PHP's version_compare(): special forms by prefix, "#" stands for a number ("#N#").
const SPECIAL_FORMS: [string, number][] = [
  ["dev", 0],
  ["alpha", 1],
  ["a", 1],
  ["beta", 2],
  ["b", 2],
  ["RC", 3],
  ["rc", 3],
  ["#", 4],
  ["pl", 5],
  ["p", 5],
];

function specialForm(s: string): number {
  for (const [name, order] of SPECIAL_FORMS) if (s.startsWith(name)) return order;
  return -1;
}

const isDigitAt = (s: string, i: number) => {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
};
const isAlnum = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** php_canonicalize_version(): "-", "_", "+" and other symbols become ".", and "." separates digits from the rest. */
function canonicalize(v: string): string {
  if (v === "") return "";
  let out = v[0] ?? "";
  let lp = v.charCodeAt(0);
  const isdig = (c: number) => c >= 48 && c <= 57;
  const isndig = (c: number) => !isdig(c) && c !== 46;
  for (let i = 1; i < v.length; i++) {
    const c = v.charCodeAt(i);
    const lq = out.charCodeAt(out.length - 1);
    if (c === 45 || c === 95 || c === 43) {
      if (lq !== 46) out += ".";
    } else if ((isndig(lp) && isdig(c)) || (isdig(lp) && isndig(c))) {
      if (lq !== 46) out += ".";
      out += v[i];
    } else if (!isAlnum(c)) {
      if (lq !== 46) out += ".";
    } else {
      out += v[i];
    }
    lp = c;
  }
  return out;
}

/** strtol(): leading digits, saturating at LONG_MAX like C. */
function strtol(s: string): bigint {
  const m = /^[0-9]+/.exec(s);
  const n = m ? BigInt(m[0]) : 0n;
  const max = 9223372036854775807n;
  return n > max ? max : n;
}

/** php_version_compare(), walking "."-separated elements of the canonical strings as the C code does. */
export function phpVersionCompare(v1: string, v2: string): number {
  if (v1 === "" || v2 === "") return v1 === v2 ? 0 : v1 ? 1 : -1;
  const s1 = v1[0] === "#" ? v1 : canonicalize(v1);
  const s2 = v2[0] === "#" ? v2 : canonicalize(v2);
  let p1 = 0;
  let p2 = 0;
  let n1: number | null = 0;
  let n2: number | null = 0;
  let compare = 0;
  while (p1 < s1.length && p2 < s2.length && n1 !== null && n2 !== null) {
    const d1 = s1.indexOf(".", p1);
    const d2 = s2.indexOf(".", p2);
    n1 = d1 < 0 ? null : d1;
    n2 = d2 < 0 ? null : d2;
    const e1 = s1.slice(p1, n1 ?? s1.length);
    const e2 = s2.slice(p2, n2 ?? s2.length);
    const dig1 = isDigitAt(e1, 0);
    const dig2 = isDigitAt(e2, 0);
    if (dig1 && dig2) {
      const l1 = strtol(e1);
      const l2 = strtol(e2);
      compare = l1 < l2 ? -1 : l1 > l2 ? 1 : 0;
    } else if (!dig1 && !dig2) {
      compare = Math.sign(specialForm(e1) - specialForm(e2));
    } else if (dig1) {
      compare = Math.sign(specialForm("#N#") - specialForm(e2));
    } else {
      compare = Math.sign(specialForm(e1) - specialForm("#N#"));
    }
    if (compare !== 0) break;
    if (n1 !== null) p1 = n1 + 1;
    if (n2 !== null) p2 = n2 + 1;
  }
  if (compare === 0) {
    // One side has elements left: a number there wins, anything else is weighed against a number.
    if (n1 !== null) compare = isDigitAt(s1, p1) ? 1 : phpVersionCompare(s1.slice(p1), "#N#");
    else if (n2 !== null) compare = isDigitAt(s2, p2) ? -1 : phpVersionCompare("#N#", s2.slice(p2));
  }
  return compare;
}

export function compareComposer(a: string, b: string): number {
  const x = normalizeComposer(a);
  const y = normalizeComposer(b);
  const okX = x !== undefined && !x.startsWith("dev-");
  const okY = y !== undefined && !y.startsWith("dev-");
  if (okX && okY) return phpVersionCompare(x, y);
  if (okX) return 1;
  if (okY) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export const composer: VersionScheme = {
  name: "composer",
  valid: (v) => {
    const n = normalizeComposer(v);
    return n !== undefined && !n.startsWith("dev-");
  },
  compare: compareComposer,
};
