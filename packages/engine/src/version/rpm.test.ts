import { describe, expect, it } from "vitest";
import { rpm } from "./rpm.js";
import {
  expectAgreement,
  expectSpec,
  feedVersions,
  type Pair,
  pairsFor,
  requireTool,
  rng,
  runReference,
  specPairs,
  withTempDir,
  writeFile,
} from "./test-support.js";

// rpm's own test suite (tests/rpmvercmp.at), including the "~" and "^" cases.
const RPMVERCMP_AT = `
  1.0 = 1.0
  1.0 < 2.0
  2.0.1 = 2.0.1
  2.0 < 2.0.1
  2.0.1a = 2.0.1a
  2.0.1a > 2.0.1
  5.5p1 < 5.5p2
  5.5p10 > 5.5p1
  10xyz < 10.1xyz
  xyz10 < xyz10.1
  xyz.4 < 8
  xyz.4 < 2
  5.5p2 < 5.6p1
  5.6p1 < 6.5p1
  6.0.rc1 > 6.0
  10b2 > 10a1
  10a2 < 10b2
  1.0aa = 1.0aa
  1.0a < 1.0aa
  10.0001 = 10.1
  10.0001 < 10.0039
  4.999.9 < 5.0
  20101121 < 20101122
  2_0 = 2.0
  a+ = a_
  +a = _a
  _+ = +_
  + = _
  1.0~rc1 < 1.0
  1.0~rc1 < 1.0~rc2
  1.0~rc1~git123 < 1.0~rc1
  1.0^ > 1.0
  1.0^git1 > 1.0
  1.0^git1 < 1.0^git2
  1.0^git1 < 1.01
  1.0^20160101 < 1.0.1
  1.0^20160102 > 1.0^20160101^git1
  1.0~rc1^git1 > 1.0~rc1
  1.0^git1~pre < 1.0^git1
`;

// E:V-R as Red Hat, Rocky, Alma and SUSE advisories write them.
const EVR_SPEC = `
  0:1.0-1 = 1.0-1
  1:1.0-1 > 2.0-1
  1.0-1.el9 < 1.0-1.el9_2
  1.0-1.el9_2 < 1.0-2.el9
  4.18.0-513.5.1.el8_9 < 4.18.0-513.9.1.el8_9
  1.1.1k-9.el8_7 < 1.1.1k-12.el8_9
  3.0.7-24.el9 < 3.0.7-27.el9
  2.0~rc1-1.fc40 < 2.0-1.fc40
  1.0 < 1.0-1
  1.0 < 1.0-~1
  1.0 < 1.0-_
  1.0-1 > 1.0
`;

/** Red Hat / Fedora / SUSE shaped E:V-R strings built from real upstream versions and dist tags. */
function constructedRpmVersions(): Map<string, Set<string>> {
  const uppers = [
    "1.1.1k",
    "1.1.1w",
    "3.0.7",
    "3.0.1",
    "2.34",
    "2.28",
    "7.76.1",
    "7.61.1",
    "8.0.1",
    "4.18.0",
    "5.14.0",
    "2.9.13",
    "1.2.11",
    "1.2.13",
    "9.16.23",
    "115.9.0",
    "102.15.0",
    "0.9.2^20231120git1a2b3c",
    "2.0~rc1",
    "1.0.2k",
    "2.4.57",
    "4.4.20",
    "6.8.9",
    "1.21.4",
    "3.12.1",
    "10.0.0~beta2",
    "1.2.3.4",
    "20230311",
  ];
  const releases = [
    "1",
    "2",
    "0.1.rc1",
    "1.el7",
    "1.el7_9",
    "26.el7_9",
    "1.el8",
    "12.el8_9",
    "513.5.1.el8_9",
    "362.8.1.el9_3",
    "27.el9",
    "27.el9_0",
    "100.el9_4.2",
    "1.fc39",
    "1.fc40",
    "300.fc40",
    "150500.3.9.1",
    "lp155.2.1",
    "1.module+el8.9.0+20157+8e3f7f7c",
  ];
  const rand = rng(7);
  const byPackage = new Map<string, Set<string>>();
  for (const u of uppers) {
    const set = new Set<string>();
    for (const r of releases) {
      set.add(`${u}-${r}`);
      if (rand() < 0.2) set.add(`1:${u}-${r}`);
    }
    set.add(u);
    byPackage.set(u, set);
  }
  return byPackage;
}

/** rpm.vercmp() from rpm's embedded Lua: one rpm process for all pairs. */
function rpmReference(pairs: Pair[]): number[] {
  requireTool("rpm", "rpm version tests");
  return withTempDir((dir) => {
    const lua = writeFile(
      dir,
      "vercmp.lua",
      `for line in io.lines() do
         local a, b = line:match("^([^\\t]*)\\t([^\\t]*)$")
         io.write(rpm.vercmp(a, b), "\\n")
       end
       io.flush()`,
    );
    return runReference("rpm", ["--eval", `%{lua: dofile("${lua}")}`], pairs).map(Number);
  });
}

describe("rpm versions", () => {
  it("follows rpm's test suite and E:V-R rules", () => {
    expectSpec(rpm, RPMVERCMP_AT);
    expectSpec(rpm, EVR_SPEC);
  });

  it("rejects what cannot be an E:V-R", () => {
    for (const v of ["", "1.0-", "a:1.0", "1:", "1.0 1", "1.0-1-2", "1.0/2"]) expect(rpm.valid(v), v).toBe(false);
    for (const v of ["1.0", "1:1.0-1.el9", "1.0~rc1^git2-0.1.fc40", "2_0"]) expect(rpm.valid(v), v).toBe(true);
  });

  it("agrees with rpm.vercmp on rpm's cases, constructed EVRs and Debian feed versions that are valid EVRs", () => {
    const byPackage = constructedRpmVersions();
    // Debian versions share rpm's E:V-R shape; they stress rpmvercmp with real-world upstream strings.
    for (const [name, vs] of feedVersions("Debian", ["Debian"])) byPackage.set(`deb:${name}`, vs);
    const { pairs, versions } = pairsFor(rpm, byPackage, { samePackage: 6000, random: 6000, seed: 11 });
    expect(versions.length).toBeGreaterThan(5000);
    const spec = [...specPairs(RPMVERCMP_AT).pairs, ...specPairs(EVR_SPEC).pairs];
    const all = [...pairs, ...spec];
    console.log(`rpm: ${versions.length} distinct valid versions`);
    expectAgreement("rpm.vercmp", rpm, all, rpmReference(all));
  });
});
