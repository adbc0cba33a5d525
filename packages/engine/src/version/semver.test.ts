import semverLib from "semver";
import { describe, expect, it } from "vitest";
import { cargo, npm, semver } from "./semver.js";
import { expectSpec, feedVersions, pairsFor } from "./test-support.js";

// SemVer 2.0 §11 precedence examples.
const SEMVER_SPEC = `
  1.0.0 < 2.0.0
  2.0.0 < 2.1.0
  2.1.0 < 2.1.1
  1.0.0-alpha < 1.0.0
  1.0.0-alpha < 1.0.0-alpha.1
  1.0.0-alpha.1 < 1.0.0-alpha.beta
  1.0.0-alpha.beta < 1.0.0-beta
  1.0.0-beta < 1.0.0-beta.2
  1.0.0-beta.2 < 1.0.0-beta.11
  1.0.0-beta.11 < 1.0.0-rc.1
  1.0.0-rc.1 < 1.0.0
  1.0.0+build.1 = 1.0.0+build.2
  1.0.0-alpha+001 = 1.0.0-alpha
  1.0.0-0 < 1.0.0-a
  1.0.0-A < 1.0.0-a
  1.0.0-alpha-1 > 1.0.0-alpha
`;

describe("npm / SemVer / crates.io versions", () => {
  it("follow SemVer 2.0 precedence", () => {
    expectSpec(npm, SEMVER_SPEC);
    expectSpec(semver, SEMVER_SPEC);
    expectSpec(cargo, SEMVER_SPEC);
  });

  it("npm accepts what semver.valid accepts; SEMVER ranges tolerate a v; Cargo does not", () => {
    for (const v of ["1.2.3", "v1.2.3", " 1.2.3 "]) expect(npm.valid(v), v).toBe(semverLib.valid(v) !== null);
    expect(semver.compare("v1.2.3", "1.2.3")).toBe(0);
    for (const v of ["v1.2.3", "=1.2.3", " 1.2.3", "1.2", "01.2.3", "1.2.3-01", "1.2.3-", "1.2.3+"]) {
      expect(cargo.valid(v), v).toBe(false);
    }
    for (const v of ["0.0.0", "1.2.3-alpha.1+build.01", "300.0.9", "0.5.0-0"]) expect(cargo.valid(v), v).toBe(true);
  });

  it("npm's order is semver.compare's on every npm feed version (total, never throws)", () => {
    const byPackage = feedVersions("npm", ["npm", "PyPI", "Maven", "Go", "RubyGems", "crates.io"]);
    const { pairs, versions, invalid } = pairsFor(npm, byPackage, { samePackage: 3000, random: 3000 });
    console.log(
      `npm: ${versions.length} distinct valid versions, ${invalid.length} refused: ${invalid.slice(0, 10).join(" ")}`,
    );
    let checked = 0;
    for (const [a, b] of pairs) {
      expect(Math.sign(npm.compare(a, b))).toBe(semverLib.compare(a, b));
      checked++;
    }
    for (const v of invalid) expect(() => npm.compare(v, "1.0.0")).not.toThrow();
    console.log(`semver.compare: ${checked} pairs checked, 0 disagreements`);
  });

  it("crates.io feed versions are all valid Cargo versions, in SemVer order", () => {
    const byPackage = feedVersions("crates.io", ["crates.io", "PyPI"]);
    const { pairs, versions, invalid } = pairsFor(cargo, byPackage, { samePackage: 2000, random: 2000 });
    console.log(`cargo: ${versions.length} distinct valid versions, ${invalid.length} refused: ${invalid.join(" ")}`);
    // A few feed strings (e.g. "0.20") are not SemVer at all; Cargo could not have published them either.
    expect(invalid.every((v) => semverLib.valid(v) === null)).toBe(true);
    expect(invalid.length).toBeLessThan(5);
    for (const [a, b] of pairs) expect(Math.sign(cargo.compare(a, b))).toBe(semverLib.compare(a, b));
  });
});
