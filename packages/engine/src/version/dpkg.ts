import { memo } from "../memo.js";
import type { VersionScheme } from "./scheme.js";

/**
 * Debian package versions, ordered as dpkg orders them ([epoch:]upstream[-revision]).
 * Hand-written: the npm `deb-version-compare` package disagrees with dpkg on versions without a Debian revision,
 * and no other npm package implements dpkg's algorithm. This is a port of lib/dpkg/parsehelp.c parseversion()
 * and lib/dpkg/version.c verrevcmp()/dpkg_version_compare().
 */
export interface DpkgVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

const UPSTREAM_CHARS = /^[0-9][A-Za-z0-9.+~:-]*$/;
const REVISION_CHARS = /^[A-Za-z0-9.+~]*$/;

/** Parses like parseversion(); undefined where dpkg reports an error or a warning (bad syntax). */
function parseDpkgUncached(input: string): DpkgVersion | undefined {
  const s = input.trim();
  if (s === "" || /\s/.test(s)) return undefined;
  let rest = s;
  let epoch = 0;
  const colon = s.indexOf(":");
  if (colon >= 0) {
    const e = s.slice(0, colon);
    if (!/^[0-9]+$/.test(e)) return undefined;
    epoch = Number(e);
    if (epoch > 2147483647) return undefined;
    rest = s.slice(colon + 1);
    if (rest === "") return undefined;
  }
  // The revision is whatever follows the LAST hyphen; the upstream part may itself contain hyphens.
  const hyphen = rest.lastIndexOf("-");
  const upstream = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  const revision = hyphen >= 0 ? rest.slice(hyphen + 1) : "";
  if (hyphen >= 0 && revision === "") return undefined;
  if (!UPSTREAM_CHARS.test(upstream) || !REVISION_CHARS.test(revision)) return undefined;
  return { epoch, upstream, revision };
}

/** Lenient split used only to give invalid input some deterministic order (compare never throws). */
function splitLoose(input: string): DpkgVersion {
  const s = input.trim();
  const colon = s.indexOf(":");
  const e = colon >= 0 ? Number.parseInt(s.slice(0, colon), 10) : 0;
  const rest = colon >= 0 ? s.slice(colon + 1) : s;
  const hyphen = rest.lastIndexOf("-");
  return {
    epoch: Number.isFinite(e) ? e : 0,
    upstream: hyphen >= 0 ? rest.slice(0, hyphen) : rest,
    revision: hyphen >= 0 ? rest.slice(hyphen + 1) : "",
  };
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlpha = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** dpkg's order() of one character: "~" before everything (even the end), letters before other symbols. */
function order(c: number): number {
  if (Number.isNaN(c) || isDigit(c)) return 0;
  if (isAlpha(c)) return c;
  if (c === 126) return -1;
  return c + 256;
}

/** verrevcmp(): alternating non-digit and digit runs. */
export function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const ac = order(a.charCodeAt(i));
      const bc = order(b.charCodeAt(j));
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a.charCodeAt(i) === 48) i++;
    while (b.charCodeAt(j) === 48) j++;
    while (isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a.charCodeAt(i))) return 1;
    if (isDigit(b.charCodeAt(j))) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

export function compareDpkg(a: string, b: string): number {
  const x = parseDpkg(a) ?? splitLoose(a);
  const y = parseDpkg(b) ?? splitLoose(b);
  if (x.epoch !== y.epoch) return x.epoch > y.epoch ? 1 : -1;
  const r = verrevcmp(x.upstream, y.upstream);
  if (r) return r;
  return verrevcmp(x.revision, y.revision);
}

export const dpkg: VersionScheme = {
  name: "dpkg",
  valid: (v) => parseDpkg(v) !== undefined,
  compare: compareDpkg,
};

/** Parsed once per distinct string (see memo). */
export const parseDpkg = memo(parseDpkgUncached);
