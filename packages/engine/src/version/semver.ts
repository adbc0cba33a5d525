import semverLib from "semver";
import type { VersionScheme } from "./scheme.js";

/**
 * SemVer 2.0 precedence (build metadata ignored) through npm's `semver` package, the parser npm itself uses.
 * Invalid input never throws: it sorts before every valid version, and among itself by plain string order.
 */
function semverCompare(parse: (v: string) => semverLib.SemVer | null) {
  return (a: string, b: string): number => {
    const x = parse(a);
    const y = parse(b);
    if (x && y) return x.compare(y);
    if (x) return 1;
    if (y) return -1;
    return a < b ? -1 : a > b ? 1 : 0;
  };
}

const parseNpm = (v: string) => semverLib.parse(v);

/** npm: exactly what `semver.compare` accepts (strict mode tolerates a leading "v" and surrounding spaces). */
export const npm: VersionScheme = {
  name: "npm",
  valid: (v) => parseNpm(v) !== null,
  compare: semverCompare(parseNpm),
};

/** OSV "SEMVER" ranges: SemVer 2.0, with a leading "v" tolerated (the schema says none, some feeds add one). */
export const semver: VersionScheme = { ...npm, name: "semver" };

/**
 * crates.io: Cargo's `semver` crate implements SemVer 2.0 exactly, so npm's `semver` in strict mode orders
 * crates the same way. Cargo accepts neither a "v" prefix nor surrounding spaces, so those are refused here.
 * (The crate's `Ord` also tie-breaks on build metadata; SemVer precedence and Cargo's requirement matching
 * ignore it, and so does this scheme.)
 */
const parseCargo = (v: string) => (/^[0-9]/.test(v) && !/\s/.test(v) ? semverLib.parse(v) : null);

export const cargo: VersionScheme = {
  name: "cargo",
  valid: (v) => parseCargo(v) !== null,
  compare: semverCompare(parseCargo),
};
