import { memo } from "../memo.js";
import { compareDigits, compareStrings } from "./digits.js";
import type { VersionScheme } from "./scheme.js";

/**
 * Python package versions (PEP 440), ordered as `packaging.version.Version` (what pip uses) orders them.
 * Hand-written port of packaging's VERSION_PATTERN and _cmpkey: the npm candidate @renovatebot/pep440 reads
 * local segments such as "1e5" or "0x10" as numbers (JS Number()) where packaging keeps them as strings, and
 * loses precision on release numbers above 2^53; both change the order. Numbers here compare as digit strings.
 */
// packaging's VERSION_PATTERN verbatim (alternation order included), anchored like Version() with spaces allowed.
const VERSION_PATTERN = new RegExp(
  [
    "^\\s*v?(?:",
    "(?:(?<epoch>[0-9]+)!)?",
    "(?<release>[0-9]+(?:\\.[0-9]+)*)",
    "(?<pre>[-_\\.]?(?<pre_l>(a|b|c|rc|alpha|beta|pre|preview))[-_\\.]?(?<pre_n>[0-9]+)?)?",
    "(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_\\.]?(?<post_l>post|rev|r)[-_\\.]?(?<post_n2>[0-9]+)?))?",
    "(?<dev>[-_\\.]?(?<dev_l>dev)[-_\\.]?(?<dev_n>[0-9]+)?)?",
    ")",
    "(?:\\+(?<local>[a-z0-9]+(?:[-_\\.][a-z0-9]+)*))?\\s*$",
  ].join(""),
  "i",
);

type LocalPart = { num: string } | { str: string };

export interface Pep440Version {
  epoch: string;
  release: string[];
  pre: { letter: "a" | "b" | "rc"; n: string } | undefined;
  post: string | undefined;
  dev: string | undefined;
  local: LocalPart[] | undefined;
}

function preLetter(l: string): "a" | "b" | "rc" {
  const x = l.toLowerCase();
  if (x === "a" || x === "alpha") return "a";
  if (x === "b" || x === "beta") return "b";
  return "rc"; // c, pre, preview, rc
}

function parsePep440Uncached(input: string): Pep440Version | undefined {
  const g = VERSION_PATTERN.exec(input)?.groups;
  if (!g) return undefined;
  // Trailing zeros do not count: 1.0.0 == 1.0 == 1 (and 0.0 is the empty tuple).
  const release = (g.release ?? "").split(".");
  while (release.length > 0 && /^0+$/.test(release[release.length - 1] ?? "")) release.pop();
  return {
    epoch: g.epoch ?? "0",
    release,
    pre: g.pre_l ? { letter: preLetter(g.pre_l), n: g.pre_n ?? "0" } : undefined,
    post: g.post !== undefined ? (g.post_n1 ?? g.post_n2 ?? "0") : undefined,
    dev: g.dev !== undefined ? (g.dev_n ?? "0") : undefined,
    local: g.local?.split(/[-_.]/).map((p) => (/^[0-9]+$/.test(p) ? { num: p } : { str: p.toLowerCase() })),
  };
}

const cmpTuple = <T>(xs: T[], ys: T[], cmp: (x: T, y: T) => number): number => {
  for (let i = 0; i < xs.length && i < ys.length; i++) {
    const r = cmp(xs[i] as T, ys[i] as T);
    if (r) return r;
  }
  return xs.length - ys.length;
};

/** packaging's _cmpkey, with -Infinity/+Infinity stand-ins expressed as ranks. */
function preKey(v: Pep440Version): [number, string, string] {
  if (!v.pre && v.post === undefined && v.dev !== undefined) return [-1, "", ""]; // 1.0.dev0 sorts before 1.0a0
  if (!v.pre) return [1, "", ""];
  return [0, v.pre.letter, v.pre.n];
}

function compareLocal(x: LocalPart, y: LocalPart): number {
  // Alphanumeric segments sort before numeric ones; numbers numerically, strings lexically.
  if ("num" in x) return "num" in y ? compareDigits(x.num, y.num) : 1;
  return "num" in y ? -1 : compareStrings(x.str, y.str);
}

export function comparePep440Parsed(x: Pep440Version, y: Pep440Version): number {
  const px = preKey(x);
  const py = preKey(y);
  return (
    compareDigits(x.epoch, y.epoch) ||
    cmpTuple(x.release, y.release, compareDigits) ||
    px[0] - py[0] ||
    compareStrings(px[1], py[1]) ||
    (px[0] === 0 ? compareDigits(px[2], py[2]) : 0) ||
    // No post segment sorts before any post segment.
    (x.post === undefined
      ? y.post === undefined
        ? 0
        : -1
      : y.post === undefined
        ? 1
        : compareDigits(x.post, y.post)) ||
    // No dev segment sorts after any dev segment.
    (x.dev === undefined ? (y.dev === undefined ? 0 : 1) : y.dev === undefined ? -1 : compareDigits(x.dev, y.dev)) ||
    // No local segment sorts before any local segment.
    (x.local === undefined
      ? y.local === undefined
        ? 0
        : -1
      : y.local === undefined
        ? 1
        : cmpTuple(x.local, y.local, compareLocal))
  );
}

export function comparePep440(a: string, b: string): number {
  const x = parsePep440(a);
  const y = parsePep440(b);
  if (x && y) return Math.sign(comparePep440Parsed(x, y));
  if (x) return 1;
  if (y) return -1;
  return compareStrings(a, b);
}

export const pep440: VersionScheme = {
  name: "pep440",
  valid: (v) => parsePep440(v) !== undefined,
  compare: comparePep440,
};

/** Parsed once per distinct string (see memo). */
export const parsePep440 = memo(parsePep440Uncached);
