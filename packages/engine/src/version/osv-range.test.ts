import { describe, expect, it } from "vitest";
import type { OsvAffected, OsvRange } from "../vulndb/osv.js";
import { apk } from "./apk.js";
import { dpkg } from "./dpkg.js";
import { schemeForEcosystem } from "./ecosystems.js";
import { go } from "./golang.js";
import { fixedVersionsFor, isAffected } from "./osv-range.js";
import { pep440 } from "./pep440.js";
import { npm } from "./semver.js";
import { feedRecords } from "./test-support.js";

const eco = (...events: OsvRange["events"]): OsvRange => ({ type: "ECOSYSTEM", events });
const sem = (...events: OsvRange["events"]): OsvRange => ({ type: "SEMVER", events });

interface Case {
  name: string;
  ranges?: OsvRange[];
  versions?: string[];
  scheme?: typeof npm;
  affected: string[];
  notAffected: string[];
  /** version -> expected fixedVersionsFor */
  fixes?: Record<string, string[]>;
}

const CASES: Case[] = [
  {
    name: "introduced 0 + fixed",
    ranges: [eco({ introduced: "0" }, { fixed: "1.0.2" })],
    affected: ["0.0.1", "1.0.1", "1.0.2-rc1"],
    notAffected: ["1.0.2", "1.0.3", "2.0.0"],
    fixes: { "1.0.1": ["1.0.2"], "1.0.2": [] },
  },
  {
    name: "introduced only (every later version affected)",
    ranges: [eco({ introduced: "1.5.0" })],
    affected: ["1.5.0", "9.9.9"],
    notAffected: ["1.4.9"],
    fixes: { "2.0.0": [] },
  },
  {
    name: "two intervals in one range",
    ranges: [eco({ introduced: "1.0.0" }, { fixed: "1.0.2" }, { introduced: "3.0.0" }, { fixed: "3.2.5" })],
    affected: ["1.0.0", "1.0.1", "3.0.0", "3.2.4"],
    notAffected: ["0.9.0", "1.0.2", "2.5.0", "3.2.5", "4.0.0"],
    // The fix of the interval the version is in, not the later interval's (3.2.5 fixes the 3.x line only).
    fixes: { "1.0.1": ["1.0.2"], "3.1.0": ["3.2.5"] },
  },
  {
    name: "unsorted events are sorted by version first",
    ranges: [eco({ fixed: "3.2.5" }, { introduced: "3.0.0" }, { fixed: "1.0.2" }, { introduced: "1.0.0" })],
    affected: ["1.0.1", "3.1.0"],
    notAffected: ["1.0.2", "2.0.0", "3.2.5"],
  },
  {
    name: "last_affected is inclusive",
    ranges: [eco({ introduced: "1.0.0" }, { last_affected: "1.4.0" })],
    affected: ["1.0.0", "1.4.0"],
    notAffected: ["0.9.0", "1.4.1"],
    fixes: { "1.2.0": [] },
  },
  {
    name: "limit bounds the range",
    ranges: [eco({ introduced: "0" }, { limit: "2.0.0" })],
    affected: ["1.9.9"],
    notAffected: ["2.0.0", "2.1.0"],
  },
  {
    name: "several limits: below any of them; '*' is infinity",
    ranges: [eco({ introduced: "1.0.0" }, { limit: "1.5.0" }, { limit: "*" })],
    affected: ["1.0.0", "7.0.0"],
    notAffected: ["0.5.0"],
  },
  {
    name: "multiple ranges: any one suffices; fixes come from the containing range",
    ranges: [eco({ introduced: "0" }, { fixed: "1.2.3" }), eco({ introduced: "2.0.0" }, { fixed: "2.0.4" })],
    affected: ["1.0.0", "2.0.3"],
    notAffected: ["1.2.3", "1.9.0", "2.0.4"],
    fixes: { "1.0.0": ["1.2.3"], "2.0.3": ["2.0.4"] },
  },
  {
    name: "versions list: exact strings, and ecosystem-equal spellings",
    versions: ["1.0.0", "1.1.0"],
    scheme: pep440,
    affected: ["1.0.0", "1.0", "1.1", "v1.1.0"],
    notAffected: ["1.0.1", "1.2.0"],
    fixes: { "1.0.0": [] },
  },
  {
    name: "versions list is exact-string for unparseable versions",
    versions: ["not-a-version"],
    affected: ["not-a-version"],
    notAffected: ["1.0.0"],
  },
  {
    name: "SEMVER ranges use SemVer whatever the scheme, a leading v tolerated",
    ranges: [sem({ introduced: "v1.0.0" }, { fixed: "1.10.0" })],
    scheme: dpkg,
    affected: ["1.2.0", "v1.9.9", "1.10.0-rc.1"],
    notAffected: ["1.10.0", "0.9.0", "1.2"],
    fixes: { "1.2.0": ["1.10.0"] },
  },
  {
    name: "GIT ranges are ignored",
    ranges: [{ type: "GIT", repo: "https://example.invalid/x", events: [{ introduced: "0" }] }],
    affected: [],
    notAffected: ["1.0.0", "0"],
  },
  {
    name: "unparseable package version is never affected",
    ranges: [eco({ introduced: "0" })],
    affected: [],
    notAffected: ["not a version", ""],
  },
  {
    name: "an unparseable event version is placed by the scheme's compare (apk reads 1.9.5p2 as far as it can)",
    ranges: [eco({ introduced: "0" }, { fixed: "1.9.5p2-r0" })],
    scheme: apk,
    affected: ["1.7.0-r0", "1.9.5-r0"],
    notAffected: ["1.9.6-r0"],
  },
  {
    name: "same version introduced and fixed: written order decides",
    ranges: [eco({ introduced: "1.0.0" }, { fixed: "1.0.0" })],
    affected: [],
    notAffected: ["1.0.0", "1.1.0"],
  },
  {
    name: "Go ranges accept versions with and without v, pseudo-versions and +incompatible",
    ranges: [sem({ introduced: "0" }, { fixed: "0.7.0" })],
    scheme: go,
    affected: ["v0.0.0-20220722155237-a158d28d115b", "0.6.0", "v0.6.9+incompatible"],
    notAffected: ["v0.7.0", "v0.17.0"],
  },
  {
    name: "Debian: epochs, tildes and +debNuM",
    ranges: [eco({ introduced: "0" }, { fixed: "7.88.1-10+deb12u5" })],
    scheme: dpkg,
    affected: ["7.88.1-10+deb12u4", "7.88.1-10", "7.88.1~rc1-1"],
    notAffected: ["7.88.1-10+deb12u5", "7.88.1-10+deb12u12", "1:7.0-1"],
    fixes: { "7.88.1-10": ["7.88.1-10+deb12u5"] },
  },
];

describe("OSV range evaluation", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const scheme = c.scheme ?? npm;
      const affected = { ranges: c.ranges, versions: c.versions };
      for (const v of c.affected) expect(isAffected(v, affected, scheme), `${v} affected`).toBe(true);
      for (const v of c.notAffected) expect(isAffected(v, affected, scheme), `${v} not affected`).toBe(false);
      for (const [v, fixes] of Object.entries(c.fixes ?? {}))
        expect(fixedVersionsFor(v, affected, scheme), v).toEqual(fixes);
    });
  }

  it("never throws on malformed records", () => {
    const bad = [
      { ranges: [{ type: "ECOSYSTEM", events: [{}] }] },
      { ranges: [{ type: "ECOSYSTEM" }] },
      { ranges: [{ type: "WHATEVER", events: [{ introduced: "0" }] }] },
      { versions: [null, 3] },
      {},
    ] as unknown as OsvAffected[];
    for (const a of bad) {
      expect(() => isAffected("1.0.0", a, npm)).not.toThrow();
      expect(() => fixedVersionsFor("1.0.0", a, npm)).not.toThrow();
    }
  });

  it("maps OSV ecosystem names, release suffixes included", () => {
    const names: [string, string | undefined][] = [
      ["Debian:12", "dpkg"],
      ["Ubuntu:22.04:LTS", "dpkg"],
      ["Ubuntu:Pro:18.04:LTS", "dpkg"],
      ["Alpine:v3.19", "apk"],
      ["Wolfi", "apk"],
      ["Chainguard", "apk"],
      ["Red Hat:rhel_aus:8.4::appstream", "rpm"],
      ["Rocky Linux:9", "rpm"],
      ["AlmaLinux:9", "rpm"],
      ["openSUSE:Leap 15.5", "rpm"],
      ["SUSE:Linux Enterprise Server 15 SP5", "rpm"],
      ["npm", "npm"],
      ["PyPI", "pep440"],
      ["Go", "go"],
      ["Maven", "maven"],
      ["Maven:https://maven.google.com", "maven"],
      ["RubyGems", "gem"],
      ["crates.io", "cargo"],
      ["Packagist", "composer"],
      ["NuGet", "nuget"],
      ["Hex", undefined],
      ["debian", undefined],
      ["", undefined],
    ];
    for (const [name, scheme] of names) expect(schemeForEcosystem(name)?.name, name).toBe(scheme);
  });
});

/**
 * Real records: OSV lists the versions it enumerated from each range; every listed version must fall inside
 * the record's ranges by our evaluation too, and each range's fixed version must not. One representative
 * record per feed is also checked in detail.
 */
/**
 * Records whose `versions` list is looser than their own ranges; the package managers agree with us:
 * packaging puts 3.2a1 before 3.2 (the range starts at "introduced: 3.2"), and Maven puts 9.0.0.M1 before
 * 9.0.0-M11 (the range starts there).
 */
const LOOSE_ENUMERATIONS = new Set(["PYSEC-2023-61", "GHSA-f4qf-m5gf-8jm8"]);

describe("OSV range evaluation on the feed fixtures", () => {
  for (const feed of ["Alpine", "Debian", "Go", "Maven", "PyPI", "RubyGems", "crates.io", "npm"]) {
    it(`${feed}: listed versions are inside the ranges, fixed versions are not`, () => {
      let listed = 0;
      let fixedChecked = 0;
      const bad: string[] = [];
      let example: { id: string; a: OsvAffected } | undefined;
      for (const r of [...feedRecords(feed)].sort((x, y) => (x.id < y.id ? -1 : 1))) {
        for (const a of r.affected ?? []) {
          const scheme = schemeForEcosystem(a.package?.ecosystem ?? "");
          if (!scheme || !a.ranges?.length || a.ranges.some((g) => g.type === "GIT")) continue;
          const rangesOnly = { ranges: a.ranges };
          for (const v of a.versions ?? []) {
            if (!scheme.valid(v)) continue;
            listed++;
            if (!isAffected(v, rangesOnly, scheme) && !LOOSE_ENUMERATIONS.has(r.id)) {
              bad.push(`${r.id} ${v} listed but outside the ranges`);
            }
          }
          for (const g of a.ranges) {
            for (const e of g.events) {
              if (!("fixed" in e) || a.versions?.includes(e.fixed)) continue;
              // Another range of the same package may still cover this version; test only where none does.
              if (a.ranges.length > 1) continue;
              fixedChecked++;
              if (isAffected(e.fixed, rangesOnly, scheme)) bad.push(`${r.id} fixed ${e.fixed} still affected`);
            }
          }
          const [first, second, ...rest] = a.ranges[0]?.events ?? [];
          const simple = first && "introduced" in first && second && "fixed" in second && !rest.length;
          if (!example && a.ranges.length === 1 && simple) {
            example = { id: r.id, a };
          }
        }
      }
      console.log(
        `${feed}: ${listed} listed versions and ${fixedChecked} fixed versions checked, ${bad.length} mismatches`,
      );
      expect(bad.slice(0, 20)).toEqual([]);
      expect(example, `a record with one introduced/fixed range in ${feed}`).toBeDefined();
      if (!example) return;
      const { a } = example;
      const scheme = schemeForEcosystem(a.package?.ecosystem ?? "");
      if (!scheme) throw new Error("no scheme");
      const [intro, fix] = (a.ranges?.[0]?.events ?? []) as [{ introduced: string }, { fixed: string }];
      const inside = intro.introduced !== "0" ? intro.introduced : (a.versions ?? []).find((v) => scheme.valid(v));
      expect(isAffected(fix.fixed, a, scheme), `${example.id}: fixed ${fix.fixed}`).toBe(false);
      if (inside) {
        expect(isAffected(inside, a, scheme), `${example.id}: ${inside}`).toBe(true);
        expect(fixedVersionsFor(inside, a, scheme), example.id).toEqual([fix.fixed]);
      }
    });
  }
});
