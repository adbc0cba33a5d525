import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { pep440 } from "./pep440.js";
import {
  expectAgreement,
  expectSpec,
  feedVersions,
  type Pair,
  pairsFor,
  requireTool,
  runReference,
  SETUP_HINT,
  specPairs,
} from "./test-support.js";

// PEP 440's own examples and packaging's normalization rules.
const SPEC = `
  1.0.dev456 < 1.0a1
  1.0a1 < 1.0a2.dev456
  1.0a2.dev456 < 1.0a12.dev456
  1.0a12.dev456 < 1.0a12
  1.0a12 < 1.0b1.dev456
  1.0b1.dev456 < 1.0b2
  1.0b2 < 1.0b2.post345.dev456
  1.0b2.post345.dev456 < 1.0b2.post345
  1.0b2.post345 < 1.0rc1.dev456
  1.0rc1.dev456 < 1.0rc1
  1.0rc1 < 1.0
  1.0 < 1.0+abc.5
  1.0+abc.5 < 1.0+abc.7
  1.0+abc.7 < 1.0+5
  1.0+5 < 1.0.post456.dev34
  1.0.post456.dev34 < 1.0.post456
  1.0.post456 < 1.0.15
  1.0.15 < 1.1.dev1
  1.0 = 1.0.0
  1.0 = 1
  1.0 = v1.0
  1.0 = V1.0
  1.0a1 = 1.0alpha1
  1.0a1 = 1.0-a-1
  1.0b1 = 1.0beta1
  1.0rc1 = 1.0c1
  1.0rc1 = 1.0pre1
  1.0rc1 = 1.0preview1
  1.0rc0 = 1.0rc
  1.0.post1 = 1.0-1
  1.0.post1 = 1.0post1
  1.0.post1 = 1.0.r1
  1.0.post1 = 1.0-rev1
  1.0.post0 = 1.0.post
  1.0.dev0 = 1.0.dev
  1.0+ubuntu-1 = 1.0+ubuntu.1
  1.0+ABC = 1.0+abc
  1!0.1 > 2.0
  0!1.0 = 1.0
  1.0+abc < 1.0+1
  1.0+1e5 < 1.0+5
  1.0+0x10 < 1.0+1
  1.0.99999999999999999 > 1.0.99999999999999998
  1.0+99999999999999999 > 1.0+99999999999999998
  2.0.0 > 2.0.0rc1.post1
`;

const TRICKY: Pair[] = [
  [" 1.0 ", "1.0"],
  ["1.0.0.0.0", "1.0"],
  ["1.0-r", "1.0"],
  ["1.0_dev_1", "1.0.dev1"],
  ["1.0a.1", "1.0a1"],
  ["01.02", "1.2"],
  ["1.0.post1.dev0", "1.0.post1"],
  ["1.0a1.post1", "1.0a1.dev1"],
  ["1!1.0", "1!1.0.post1"],
  ["1.0+a.b.c", "1.0+a.b"],
  ["1.0+a_b", "1.0+a.b"],
];

const PYTHONS = ["/usr/bin/python3", "python3"];

/** Python's `packaging.version.Version` (Debian's python3-packaging), one process for all pairs. */
function packagingReference(pairs: Pair[]): string[] {
  const script = `
import sys
from packaging.version import Version, InvalidVersion
def v(s):
    try:
        return Version(s)
    except InvalidVersion:
        return None
out = []
for line in sys.stdin.read().split("\\n"):
    if not line:
        continue
    a, b = line.split("\\t", 1)
    x, y = v(a), v(b)
    out.append("invalid" if x is None or y is None else str((x > y) - (x < y)))
sys.stdout.write("\\n".join(out) + "\\n")
`;
  for (const py of PYTHONS) {
    if (py.startsWith("/") && !existsSync(py)) continue;
    const path = py.startsWith("/") ? py : requireTool(py, "PEP 440 tests");
    try {
      return runReference(path, ["-c", script], pairs);
    } catch (e) {
      if (!String((e as Error).message).includes("No module named")) throw e;
    }
  }
  throw new Error(`PEP 440 tests: no python3 with the 'packaging' module — ${SETUP_HINT}`);
}

describe("PEP 440 versions", () => {
  it("follows PEP 440's ordering examples and normalization", () => {
    expectSpec(pep440, SPEC);
  });

  it("validates like packaging.version.Version", () => {
    for (const v of ["", "1.0-", "1.0+", "1.0+a..b", "a1.0", "1.0.x", "1.0 1", "1.0.dev-a"]) {
      expect(pep440.valid(v), v).toBe(false);
    }
    for (const v of ["1", " 1.0 ", "1.0-dev-", "1!2.0a1.post2.dev3+local.7", "1.0-1", "v2.0"])
      expect(pep440.valid(v), v).toBe(true);
  });

  it("agrees with python's packaging on the PyPI OSV feed", () => {
    const byPackage = feedVersions("PyPI", ["PyPI", "Go", "Maven", "npm", "RubyGems", "crates.io"]);
    const { pairs, versions, invalid } = pairsFor(pep440, byPackage, { samePackage: 8000, random: 8000 });
    console.log(
      `pep440: ${versions.length} distinct valid versions, ${invalid.length} refused: ${invalid.slice(0, 10).join(" ")}`,
    );
    expect(versions.length).toBeGreaterThan(4000);
    const all = [...pairs, ...specPairs(SPEC).pairs, ...TRICKY];
    // The same pairs also tell whether packaging accepts each version; it must accept exactly what we accept.
    const answers = packagingReference([...all, ...invalid.map((v): Pair => [v, "0"])]);
    const refusedByPackaging = answers.slice(all.length).filter((a) => a === "invalid").length;
    expect(refusedByPackaging, "versions refused here but accepted by packaging").toBe(invalid.length);
    expect(answers.slice(0, all.length).filter((a) => a === "invalid")).toEqual([]);
    expectAgreement("packaging.version", pep440, all, answers.slice(0, all.length).map(Number));
  });
});
