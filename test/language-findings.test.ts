import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Finding, type Inventory, Matcher, type OsvRecord, type Package, VulnDb } from "@rampart/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Ecosystem,
  evaluate,
  osvNameKey,
  readFeed,
  recordVerdict,
  referenceOrder,
  semverOrder,
  type Verdict,
  type VersionOrder,
} from "./fixtures/osv-reference.js";
import { inventoryOf } from "./fixtures/scan.js";
import { testdata } from "./fixtures/testdata.js";
import { vulnDbDir } from "./fixtures/vulndb.js";

/**
 * The language-package findings of the vuln-app image, entry by entry. The expected list
 * (fixtures/expected/vuln-app-language-findings.json, each entry with the reason it applies) must equal what the
 * scanner reports, and must itself agree with a second reading of the raw OSV records that uses each ecosystem's
 * reference version order instead of Rampart's (fixtures/osv-reference.ts): every listed advisory holds the
 * installed version, and every other advisory naming an installed package leaves it out.
 */
const LANGUAGES: Record<string, Ecosystem> = {
  npm: "npm",
  pypi: "PyPI",
  golang: "Go",
  maven: "Maven",
  gem: "RubyGems",
  cargo: "crates.io",
};
/** Debian's python3-* packages of the image's RUN layer: Debian patches them, Debian's advisories cover them. */
const DISTRO_INSTALLED = /^\/usr\/lib\/python3\/dist-packages\//;

interface ExpectedEntry {
  entry: string;
  advisories: string[];
  why: string;
}
const EXPECTED: { entries: ExpectedEntry[] } = JSON.parse(
  readFileSync(join(import.meta.dirname, "fixtures/expected/vuln-app-language-findings.json"), "utf8"),
);

/** Installed versions just outside an advisory's range: each must be left out. */
const NEAR_MISSES: Array<{
  ecosystem: Ecosystem;
  name: string;
  version: string;
  advisory: string;
  /** The range event the installed version sits at ("fixed"), above ("last_affected") or below ("introduced"). */
  edge: "fixed" | "last_affected" | "introduced";
  at: string;
}> = [
  // CVE-2019-11358, prototype pollution: fixed in jquery 3.4.0
  { ecosystem: "npm", name: "jquery", version: "3.4.0", advisory: "GHSA-6c3j-c64m-qhgq", edge: "fixed", at: "3.4.0" },
  // CVE-2017-16137, debug ReDoS: fixed in 2.6.9 (express 4.16.0's dependency)
  { ecosystem: "npm", name: "debug", version: "2.6.9", advisory: "GHSA-gxpj-cx7g-858c", edge: "fixed", at: "2.6.9" },
  // CVE-2017-18342, yaml.load runs arbitrary code: fixed in PyYAML 5.1
  { ecosystem: "PyPI", name: "PyYAML", version: "5.1", advisory: "PYSEC-2018-49", edge: "fixed", at: "5.1" },
  // CVE-2022-41723, HPACK decoding DoS: fixed in golang.org/x/net v0.7.0 (SEMVER range without "v")
  {
    ecosystem: "Go",
    name: "golang.org/x/net",
    version: "v0.7.0",
    advisory: "GO-2023-1571",
    edge: "fixed",
    at: "0.7.0",
  },
  // CVE-2023-24536, multipart form DoS: fixed in go1.19.8, the Go that built rampart-goapp
  { ecosystem: "Go", name: "stdlib", version: "1.19.8", advisory: "GO-2023-1705", edge: "fixed", at: "1.19.8" },
  // CVE-2021-44832, JDBC appender RCE: fixed in log4j-core 2.17.1
  {
    ecosystem: "Maven",
    name: "org.apache.logging.log4j:log4j-core",
    version: "2.17.1",
    advisory: "GHSA-8489-44mv-ggj8",
    edge: "fixed",
    at: "2.17.1",
  },
  // CVE-2023-22466, Windows named pipe: fixed in tokio 1.18.4
  {
    ecosystem: "crates.io",
    name: "tokio",
    version: "1.18.4",
    advisory: "RUSTSEC-2023-0001",
    edge: "fixed",
    at: "1.18.4",
  },
  // CVE-2025-4574, crossbeam-channel double free: introduced in 0.5.12 (0.5.12-0), installed 0.5.11
  {
    ecosystem: "crates.io",
    name: "crossbeam-channel",
    version: "0.5.11",
    advisory: "RUSTSEC-2025-0024",
    edge: "introduced",
    at: "0.5.12-0",
  },
  // CVE-2024-11738, rustls Acceptor panic: the record's first range is empty (introduced = fixed = 0.23.0)
  {
    ecosystem: "crates.io",
    name: "rustls",
    version: "0.23.0",
    advisory: "RUSTSEC-2024-0399",
    edge: "fixed",
    at: "0.23.0",
  },
  // nokogiri's vendored libxml2 update: fixed in 1.13.9
  {
    ecosystem: "RubyGems",
    name: "nokogiri",
    version: "1.13.9",
    advisory: "GHSA-2qc6-mcvw-92cw",
    edge: "fixed",
    at: "1.13.9",
  },
  // CVE-2024-22049, httparty multipart tampering: fixed in 0.21.0 (its duplicate GHSA-g47j-3m2m-74qv, which says
  // last_affected 0.20.0, is withdrawn by its own text and never reported)
  {
    ecosystem: "RubyGems",
    name: "httparty",
    version: "0.21.0",
    advisory: "GHSA-5pq7-52mg-hr42",
    edge: "fixed",
    at: "0.21.0",
  },
  // CVE-2021-28965, REXML round-trip: fixed in rexml 3.2.5 (an installed gem specification)
  {
    ecosystem: "RubyGems",
    name: "rexml",
    version: "3.2.5",
    advisory: "GHSA-8cr8-4vfw-mr7h",
    edge: "fixed",
    at: "3.2.5",
  },
];

/** An installed language package as OSV names it. */
interface Installed {
  ecosystem: Ecosystem;
  /** "(npm) lodash@4.17.15": how entries start. */
  label: string;
  name: string;
  /** The version advisories compare (Go's without its "v"). */
  version: string;
}

function installedOf(pkg: Package): Installed | undefined {
  const ecosystem = LANGUAGES[pkg.type];
  if (!ecosystem) return undefined;
  const name =
    pkg.type === "maven"
      ? `${pkg.namespace}:${pkg.name}`
      : pkg.type === "npm" && pkg.namespace
        ? `${pkg.namespace}/${pkg.name}`
        : pkg.name;
  const version = ecosystem === "Go" ? pkg.version.replace(/^v/, "") : pkg.version;
  return { ecosystem, label: `(${ecosystem}) ${name}@${pkg.version}`, name, version };
}

/** One (installed package, OSV record naming it) pair and the reference verdict. */
interface Check {
  installed: Installed;
  record: OsvRecord;
  verdict: Verdict;
}

let inv: Inventory;
let findings: Finding[];
let db: VulnDb;
const installed: Installed[] = [];
const checks: Check[] = [];
const orders = new Map<Ecosystem, VersionOrder>();
const feeds = new Map<Ecosystem, Map<string, OsvRecord>>();

/** Withdrawn by its field or, where an export lost the field, by what GitHub writes into a withdrawn record. */
const withdrawnByText = (r: { withdrawn?: string; summary?: string; details?: string }) =>
  !!r.withdrawn ||
  (r.summary ?? "").toLowerCase().startsWith("withdrawn") ||
  /^(#+ |\*\*)(withdrawn|duplicate advisory)/i.test((r.details ?? "").trimStart());

/** RustSec notices (unmaintained, notice) are advice, not vulnerabilities. */
const informational = (r: { affected?: Array<{ database_specific?: Record<string, unknown> }> }) =>
  (r.affected ?? []).some((a) => ["unmaintained", "notice"].includes(String(a.database_specific?.informational)));

beforeAll(async () => {
  inv = await inventoryOf(testdata("images/vuln-app-1.0.docker.tar"));
  db = VulnDb.open(vulnDbDir());
  findings = new Matcher(db).match(inv).findings.filter((f) => LANGUAGES[f.package.type]);
  for (const pkg of inv.packages) {
    const i = installedOf(pkg);
    if (i && !pkg.locations.every((l) => DISTRO_INSTALLED.test(l.path))) installed.push(i);
  }
  for (const ecosystem of new Set(Object.values(LANGUAGES))) {
    const records = readFeed(ecosystem).filter((r) => !withdrawnByText(r) && !informational(r));
    feeds.set(ecosystem, new Map(records.map((r) => [r.id, r])));
    const mine = installed.filter((i) => i.ecosystem === ecosystem);
    const names = new Set(mine.map((i) => osvNameKey(ecosystem, i.name)));
    const naming = records.filter((r) =>
      r.affected?.some((a) => a.package?.ecosystem === ecosystem && names.has(osvNameKey(ecosystem, a.package.name))),
    );
    // every version the verdicts compare, ordered by the reference tool in one run
    const versions = new Set(mine.map((i) => i.version));
    for (const r of naming)
      for (const a of r.affected ?? []) {
        for (const v of a.versions ?? []) versions.add(v);
        for (const range of a.ranges ?? [])
          for (const e of range.events) for (const v of Object.values(e)) versions.add(v);
      }
    const order = referenceOrder(ecosystem, versions);
    orders.set(ecosystem, order);
    for (const i of mine)
      for (const record of naming) {
        const verdict = recordVerdict(record, ecosystem, i.name, i.version, { ecosystem: order, semver: semverOrder });
        if (verdict) checks.push({ installed: i, record, verdict });
      }
  }
});
afterAll(() => db?.close());

const entryOf = (f: Finding) => `(${f.matchedOn.ecosystem}) ${f.matchedOn.name}@${f.package.version} ${f.id}`;

describe("language-package findings of the vuln-app image", () => {
  it("are exactly the expected entries, each folding the expected advisories", () => {
    const got = new Map(findings.map((f) => [entryOf(f), [...f.advisories].sort()]));
    expect(got.size, "one finding per (package, vulnerability)").toBe(findings.length);
    const expected = new Map(EXPECTED.entries.map((e) => [e.entry, [...e.advisories].sort()]));
    expect(expected.size, "duplicate entries in the expected file").toBe(EXPECTED.entries.length);
    const missed = [...expected.keys()].filter((e) => !got.has(e));
    const extra = [...got.keys()].filter((e) => !expected.has(e));
    if (missed.length || extra.length)
      console.log(`missed:\n  ${missed.join("\n  ")}\nextra:\n  ${extra.join("\n  ")}`);
    expect(missed, "expected but not reported").toEqual([]);
    expect(extra, "reported but not expected").toEqual([]);
    for (const [entry, advisories] of expected) expect(got.get(entry), entry).toEqual(advisories);
  });

  it("agree with the reference tools on every advisory naming an installed package", () => {
    expect(checks.some((c) => c.verdict.undecidable)).toBe(false);
    const affected = new Set(
      checks.filter((c) => c.verdict.affected).map((c) => `${c.installed.label} ${c.record.id}`),
    );
    const listed = new Set(
      EXPECTED.entries.flatMap((e) => e.advisories.map((a) => `${e.entry.slice(0, e.entry.lastIndexOf(" "))} ${a}`)),
    );
    expect(
      [...listed].filter((p) => !affected.has(p)),
      "listed, but the reference tool says the version is outside the advisory",
    ).toEqual([]);
    expect(
      [...affected].filter((p) => !listed.has(p)),
      "the reference tool says affected, but not listed",
    ).toEqual([]);
    // an entry is named by one of its advisories' ids or aliases, and says why
    for (const e of EXPECTED.entries) {
      const ecosystem = e.entry.slice(1, e.entry.indexOf(")")) as Ecosystem;
      const ids = e.advisories.flatMap((a) => {
        const r = feeds.get(ecosystem)?.get(a);
        return r ? [r.id, ...(r.aliases ?? [])] : [];
      });
      expect(ids, e.entry).toContain(e.entry.slice(e.entry.lastIndexOf(" ") + 1));
      expect(e.why.length, e.entry).toBeGreaterThan(40);
    }
  });

  it.each(NEAR_MISSES)("leaves out $ecosystem $name $version: $advisory ($edge $at)", (m) => {
    const i = installed.find(
      (x) => x.ecosystem === m.ecosystem && x.label === `(${m.ecosystem}) ${m.name}@${m.version}`,
    );
    expect(i, "installed in the image").toBeDefined();
    const record = feeds.get(m.ecosystem)?.get(m.advisory) as OsvRecord;
    expect(record, "in the feed").toBeDefined();
    const order = orders.get(m.ecosystem) as VersionOrder;
    // the record really has that edge for this package, and the installed version sits where the case says
    const events = (record.affected ?? [])
      .filter((a) => a.package && osvNameKey(m.ecosystem, a.package.name) === osvNameKey(m.ecosystem, m.name))
      .flatMap((a) => (a.ranges ?? []).flatMap((r) => r.events));
    expect(events).toContainEqual({ [m.edge]: m.at });
    const position = order.compare(i?.version as string, m.at);
    expect(position === undefined ? undefined : Math.sign(position)).toBe(
      { fixed: 0, last_affected: 1, introduced: -1 }[m.edge],
    );
    const check = checks.find((c) => c.installed === i && c.record.id === m.advisory);
    expect(check?.verdict.affected, check?.verdict.because).toBe(false);
    const reported = findings.filter(
      (f) => entryOf(f).startsWith(`${i?.label} `) && [f.id, ...f.aliases, ...f.advisories].includes(m.advisory),
    );
    expect(reported.map(entryOf)).toEqual([]);
  });

  it("has near misses and findings in every language ecosystem (summary)", () => {
    for (const ecosystem of new Set(Object.values(LANGUAGES))) {
      const mine = checks.filter((c) => c.installed.ecosystem === ecosystem);
      const entries = EXPECTED.entries.filter((e) => e.entry.startsWith(`(${ecosystem}) `));
      const pairs = mine.filter((c) => c.verdict.affected).length;
      console.log(
        `${ecosystem}: ${entries.length} findings (${pairs} advisory matches) on ` +
          `${installed.filter((i) => i.ecosystem === ecosystem).length} packages; ` +
          `${new Set(mine.map((c) => c.record.id)).size} advisories checked over ${mine.length} (package, advisory) pairs, ` +
          `${mine.length - pairs} left out; ` +
          `${NEAR_MISSES.filter((m) => m.ecosystem === ecosystem).length} near misses; verified with ${orders.get(ecosystem)?.tool}`,
      );
      expect(entries.length, ecosystem).toBeGreaterThan(0);
      expect(NEAR_MISSES.some((m) => m.ecosystem === ecosystem)).toBe(true);
    }
  });
});

describe("the reference reading of OSV ranges", () => {
  const orders = { ecosystem: semverOrder, semver: semverOrder };
  const range = (...events: Array<Record<string, string>>) => ({
    ranges: [{ type: "SEMVER" as const, events: events as never }],
  });
  it.each([
    ["1.0.0", range({ introduced: "0" }, { fixed: "1.0.0" }), false],
    ["0.9.9", range({ introduced: "0" }, { fixed: "1.0.0" }), true],
    ["1.0.0", range({ introduced: "1.0.0" }, { last_affected: "1.0.0" }), true],
    ["1.0.1", range({ introduced: "1.0.0" }, { last_affected: "1.0.0" }), false],
    ["0.5.11", range({ introduced: "0.5.12-0" }, { fixed: "0.5.15" }), false],
    ["0.5.12", range({ introduced: "0.5.12-0" }, { fixed: "0.5.15" }), true],
    // an empty first range, then a real one (RUSTSEC-2024-0399)
    [
      "0.23.0",
      range({ introduced: "0.23.0" }, { fixed: "0.23.0" }, { introduced: "0.23.13" }, { fixed: "0.23.18" }),
      false,
    ],
    [
      "0.23.15",
      range({ introduced: "0.23.0" }, { fixed: "0.23.0" }, { introduced: "0.23.13" }, { fixed: "0.23.18" }),
      true,
    ],
    ["1.2.0", range({ introduced: "1.0.0" }, { fixed: "1.1.0" }, { introduced: "1.3.0" }), false],
    ["2.0.0", range({ introduced: "0" }, { limit: "2.0.0" }), false],
    ["1.5.0", { versions: ["1.5.0"] }, true],
  ])("%s in %j: %s", (version, affected, want) => {
    expect(evaluate(version, affected, orders).affected).toBe(want);
  });
});
