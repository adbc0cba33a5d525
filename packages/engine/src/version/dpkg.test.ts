import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dpkg } from "./dpkg.js";
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

const TESTDATA = process.env.RAMPART_TESTDATA ?? "/tmp/rampart-testdata";

// Debian policy §5.6.12 and dpkg's own t-version tests.
const SPEC = `
  1.0 = 1.0
  1.0 = 0:1.0
  1.0-0 = 1.0
  1:0.1 > 9.9
  2:1.0 > 1:9.9
  1.0~rc1 < 1.0
  1.0~~ < 1.0~
  1.0~~a < 1.0~
  1.0~ < 1.0
  1.0 < 1.0+
  1.0 < 1.0a
  1.0a < 1.0+
  1.0a < 1.0.
  1.0-1 < 1.0-2
  1.0-1 < 1.0-1+deb12u1
  1.0-1+deb11u1 < 1.0-1+deb12u1
  1.0-1~bpo11+1 < 1.0-1
  2.30-1+deb12u1 < 2.30-1+deb12u2
  1.2.3-1-2 > 1.2.3-1-1
  1.2.3-a-1 > 1.2.3-1
  0.0~r119-1 < 0.0-1
  1.10 > 1.9
  1.001 = 1.1
  7.88.1-10+deb12u5 < 7.88.1-10+deb12u10
  5:7.2.1-2 > 7.2.5-2
`;

// Hand-picked awkward shapes, checked against dpkg itself rather than against expectations.
const TRICKY_ALL: Pair[] = [
  ["1.0", "1.0-"],
  ["1.0-1", "1.0-1.0"],
  ["1:1.0", "1:1.0-0"],
  ["1.0+~", "1.0+"],
  ["1.0~a~b", "1.0~a"],
  ["0", "0~"],
  ["10000000000000000000001", "10000000000000000000000"],
  ["1.0-0000001", "1.0-1"],
  ["a1.0", "1.0"],
  ["1.0:2-1", "1:1.0-1"],
  ["2.0.0+dfsg1-1", "2.0.0+dfsg-1"],
  ["1.2.3+really1.2.2-1", "1.2.3-1"],
];
const TRICKY = TRICKY_ALL.filter((p) => dpkg.valid(p[0]) && dpkg.valid(p[1]));

/** `dpkg --compare-versions`, one bash process looping over all pairs. */
function dpkgReference(pairs: Pair[]): number[] {
  requireTool("dpkg", "dpkg version tests");
  const script = `while IFS=$'\\t' read -r a b; do
    if dpkg --compare-versions "$a" lt "$b"; then echo -1
    elif dpkg --compare-versions "$a" eq "$b"; then echo 0
    else echo 1; fi
  done`;
  return runReference("bash", ["-c", script], pairs).map(Number);
}

function installedVersions(): Map<string, Set<string>> {
  const tsv = join(TESTDATA, "rootfs-bookworm.dpkg-query.tsv");
  if (!existsSync(tsv)) throw new Error(`missing ${tsv} — ${SETUP_HINT}`);
  const byPackage = new Map<string, Set<string>>();
  for (const line of readFileSync(tsv, "utf8").split("\n")) {
    const [pkg, version, source, sourceVersion] = line.split("\t");
    if (!pkg || !version) continue;
    const key = source || pkg;
    const set = byPackage.get(key) ?? new Set<string>();
    set.add(version);
    if (sourceVersion) set.add(sourceVersion);
    byPackage.set(key, set);
  }
  return byPackage;
}

describe("dpkg versions", () => {
  it("follows Debian policy on the spec cases", () => {
    expectSpec(dpkg, SPEC);
  });

  it("rejects what dpkg rejects", () => {
    for (const v of ["", "1:", ":1.0", "a:1.0", "1.0-", "-1", "1.0 1", "1.0-1_2", "abc", "1.0-1:2"]) {
      expect(dpkg.valid(v), v).toBe(false);
    }
    for (const v of ["0", "1:1.0", "1.0-1", "2.0~rc1+dfsg-1~bpo12+1", "1.2-3-4", "1:2:3-4"]) {
      expect(dpkg.valid(v), v).toBe(true);
    }
  });

  it("agrees with dpkg --compare-versions on the Debian OSV feed and installed bookworm versions", () => {
    const byPackage = feedVersions("Debian", ["Debian"]);
    for (const [name, versions] of installedVersions()) {
      const set = byPackage.get(name) ?? new Set<string>();
      for (const v of versions) set.add(v);
      byPackage.set(name, set);
    }
    const { pairs, versions, invalid } = pairsFor(dpkg, byPackage, { samePackage: 2500, random: 1500 });
    console.log(
      `dpkg: ${versions.length} distinct valid versions, ${invalid.length} refused: ${invalid.slice(0, 10).join(" ")}`,
    );
    expect(versions.length).toBeGreaterThan(9000);
    expect(invalid).toEqual([]);
    const spec = specPairs(SPEC).pairs;
    const all = [...pairs, ...spec, ...TRICKY];
    expectAgreement("dpkg --compare-versions", dpkg, all, dpkgReference(all));
  });
});
