import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { Matcher, VulnDb } from "@rampart/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inventoryOf } from "./fixtures/scan.js";
import { parseDpkgQuery, testdata } from "./fixtures/testdata.js";
import { readFeed, vulnDbDir } from "./fixtures/vulndb.js";

/**
 * Accuracy against Debian's own verdict. The expected (source package, CVE) pairs are computed here, apart
 * from the code under test: every Debian:<release> CVE record naming an installed source package applies
 * when it has no fix or when `dpkg --compare-versions <installed source version> lt <fixed>` says so. The
 * scanner's pairs for the same image must be exactly those.
 */
interface DebianRecord {
  id: string;
  affected?: Array<{
    package?: { ecosystem: string; name: string };
    ranges?: Array<{ type: string; events: Array<Record<string, string>> }>;
  }>;
}

const records: DebianRecord[] = [];
const dsaRecords = new Map<string, { related?: string[] }>();
let db: VulnDb;

beforeAll(() => {
  for (const r of readFeed("Debian")) {
    if (r.id.startsWith("CVE-")) records.push(r as DebianRecord);
    else dsaRecords.set(r.id, r);
  }
  db = VulnDb.open(vulnDbDir());
});
afterAll(() => db?.close());

/** Debian's verdict, by dpkg itself: one bash process answers every comparison. */
function dpkgLessThan(pairs: Array<[string, string]>): boolean[] {
  const input = pairs.map(([a, b]) => `${a} ${b}`).join("\n");
  const out = execFileSync(
    "bash",
    ["-c", 'while read -r a b; do if dpkg --compare-versions "$a" lt "$b"; then echo 1; else echo 0; fi; done'],
    {
      input: `${input}\n`,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return out
    .toString()
    .trim()
    .split("\n")
    .map((l) => l === "1");
}

function expectedPairs(release: string, installed: Map<string, string>): Set<string> {
  const open: string[] = [];
  const toCompare: Array<{ pair: string; versions: [string, string] }> = [];
  for (const r of records)
    for (const a of r.affected ?? []) {
      if (a.package?.ecosystem !== `Debian:${release}`) continue;
      const version = installed.get(a.package.name);
      if (version === undefined) continue;
      const events = (a.ranges ?? []).filter((x) => x.type === "ECOSYSTEM").flatMap((x) => x.events);
      // Debian's records are all "introduced 0" then an optional fix: check that, so a change in the data shows.
      expect(events.filter((e) => "introduced" in e).every((e) => e.introduced === "0")).toBe(true);
      const fixed = events.find((e) => "fixed" in e)?.fixed;
      const pair = `${a.package.name} ${r.id}`;
      if (fixed === undefined) open.push(pair);
      else toCompare.push({ pair, versions: [version, fixed] });
    }
  const verdicts = dpkgLessThan(toCompare.map((c) => c.versions));
  return new Set([...open, ...toCompare.filter((_, i) => verdicts[i]).map((c) => c.pair)]);
}

describe.each([
  ["bookworm", "12"],
  ["bullseye", "11"],
])("Debian %s image: findings equal Debian's verdict", (codename, release) => {
  it("reports exactly the (source package, CVE) pairs dpkg --compare-versions gives", async () => {
    const rows = parseDpkgQuery(readFileSync(testdata(`rootfs-${codename}.dpkg-query.tsv`), "utf8"));
    const installed = new Map(rows.map((r) => [r.source, r.sourceVersion]));
    const expected = expectedPairs(release, installed);

    const inv = await inventoryOf(testdata("images", `debian-${codename}.docker.tar`));
    expect(inv.distro?.versionId).toBe(release);
    const findings = new Matcher(db).match(inv).findings;
    const got = new Set(findings.filter((f) => f.id.startsWith("CVE-")).map((f) => `${f.matchedOn.name} ${f.id}`));
    const nonCve = findings.filter((f) => !f.id.startsWith("CVE-")).map((f) => `${f.matchedOn.name} ${f.id}`);

    const truePositives = [...got].filter((p) => expected.has(p)).length;
    const recall = truePositives / expected.size;
    const precision = truePositives / got.size;
    console.log(
      `Debian ${release} (${codename}): expected ${expected.size} pairs, reported ${got.size}; ` +
        `recall ${(recall * 100).toFixed(2)}%, precision ${(precision * 100).toFixed(2)}%; ` +
        `${findings.length} findings over ${new Set(findings.map((f) => f.package.purl)).size} packages; non-CVE findings: ${nonCve.join(", ") || "none"}`,
    );
    expect(
      [...expected].filter((p) => !got.has(p)),
      "missed",
    ).toEqual([]);
    expect(
      [...got].filter((p) => !expected.has(p)),
      "reported but not affected",
    ).toEqual([]);
    expect(expected.size).toBeGreaterThan(20);
    // Besides CVEs, only Debian advisories that name no CVE (regression updates such as DLA-3942-2) may be
    // reported on their own: an advisory about CVEs is folded into those CVEs' findings.
    for (const f of findings.filter((f) => !f.id.startsWith("CVE-"))) {
      expect(f.id).toMatch(/^(DSA|DLA)-/);
      const record = dsaRecords.get(f.id);
      expect(record?.related ?? []).toEqual([]);
    }
  });
});
