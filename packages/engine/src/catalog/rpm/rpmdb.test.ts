import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { PackageInput } from "../../package/package.js";
import { readBdbHash } from "./bdb.js";
import { rpmDbCataloger } from "./cataloger.js";
import { RpmHeader, RpmHeaderError, RpmTag } from "./header.js";
import { parseSourceRpm } from "./package.js";
import { parseRpmDb } from "./rpmdb.js";
import { readSqliteBlobs } from "./sqlite.js";

// Fixtures written by rpm itself: see testdata/make-rpmdb.sh.
const TESTDATA = join(import.meta.dirname, "testdata");

function collectingContext() {
  const warnings: string[] = [];
  return { warnings, ctx: { warn: (m: string) => warnings.push(m) } };
}

/** rpm -qa's rows (NAME, EPOCH, VERSION, RELEASE, ARCH, SOURCERPM, LICENSE), without gpg-pubkey keys. */
function rpmQa(file: string): string[] {
  return readFileSync(join(TESTDATA, file), "utf8")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("gpg-pubkey\t"))
    .sort();
}

const asRow = (p: PackageInput) => {
  const cut = p.version.lastIndexOf("-");
  return [
    p.name,
    p.epoch ?? "",
    p.version.slice(0, cut),
    p.version.slice(cut + 1),
    p.arch,
    p.metadata?.sourceRpm ?? "",
    p.licenses?.join(" ") ?? "",
  ].join("\t");
};

describe.each([
  ["rpmdb.sqlite", "/var/lib/rpm/rpmdb.sqlite"],
  ["Packages", "/var/lib/rpm/Packages"],
])("%s", (fixture, path) => {
  const content = readFileSync(join(TESTDATA, fixture));

  it("lists what rpm -qa lists, gpg-pubkey excepted", async () => {
    const { warnings, ctx } = collectingContext();
    const packages = await rpmDbCataloger.parse({ path, content, mode: 0o644 }, ctx);
    expect(warnings).toEqual([]);
    const expected = rpmQa(`${fixture}.qa.tsv`);
    expect(expected.length).toBeGreaterThanOrEqual(4);
    expect(packages.map(asRow).sort()).toEqual(expected);
  });

  it("keeps the epoch apart, joins version and release, and names the source RPM's package", () => {
    const packages = parseRpmDb(content, path, { warn: () => {} });
    const byName = new Map(packages.map((p) => [p.name, p]));
    expect(byName.get("rampart-epoch")).toEqual({
      type: "rpm",
      name: "rampart-epoch",
      version: "3.1.4-5.el9",
      epoch: 2,
      arch: "noarch",
      licenses: ["GPL-2.0-or-later AND MIT"],
      source: { name: "rampart-epoch", version: "3.1.4-5.el9" },
      metadata: { sourceRpm: "rampart-epoch-3.1.4-5.el9.src.rpm" },
      location: { path },
    });
    expect(byName.get("rampart-hello")?.epoch).toBeUndefined();
    expect(byName.get("rampart-tools-libs")?.source).toEqual({ name: "rampart-tools", version: "1.2-3.fc39" });
    expect(byName.has("gpg-pubkey")).toBe(false);
  });

  it("does not modify the content it was given", () => {
    const copy = Buffer.from(content);
    parseRpmDb(content, path, { warn: () => {} });
    expect(content.equals(copy)).toBe(true);
  });
});

describe("Berkeley DB hash reader", () => {
  it("reassembles headers that span several overflow pages", () => {
    const bdb = readBdbHash(readFileSync(join(TESTDATA, "Packages")), (m) => {
      throw new Error(m);
    });
    const sqlite = readSqliteBlobs(readFileSync(join(TESTDATA, "rpmdb.sqlite")));
    // Same blobs in both backends (make-rpmdb.sh loads the SQLite blobs into the hash file).
    const byKey = new Map(bdb.map((r) => [r.key.readUInt32LE(0), r.value]));
    expect(sqlite.some((r) => r.blob.length > 3 * 4096)).toBe(true);
    for (const { hnum, blob } of sqlite) expect(byKey.get(hnum)?.equals(blob)).toBe(true);
  });

  it("reports a broken overflow chain as a bad record and keeps reading", () => {
    const content = Buffer.from(readFileSync(join(TESTDATA, "Packages")));
    // Turn every overflow page (type 7) after the first into an unused page.
    const pageSize = content.readUInt32LE(20);
    let broken = 0;
    for (let at = pageSize; at < content.length; at += pageSize) {
      if (content[at + 25] === 7 && broken++ === 0) continue;
      if (content[at + 25] === 7) content[at + 25] = 0;
    }
    const { warnings, ctx } = collectingContext();
    const packages = parseRpmDb(content, "/var/lib/rpm/Packages", ctx);
    expect(warnings.join("\n")).toMatch(/unreadable Berkeley DB record/);
    expect(packages.length).toBeLessThan(4);
  });
});

describe("bad input", () => {
  it("warns about a file that is no rpm database", () => {
    const { warnings, ctx } = collectingContext();
    expect(parseRpmDb(Buffer.from("hello, not a database"), "/var/lib/rpm/Packages", ctx)).toEqual([]);
    expect(warnings).toHaveLength(1);
  });

  it("warns about a truncated SQLite database", () => {
    const { warnings, ctx } = collectingContext();
    const content = readFileSync(join(TESTDATA, "rpmdb.sqlite")).subarray(0, 8192);
    expect(parseRpmDb(content, "/var/lib/rpm/rpmdb.sqlite", ctx)).toEqual([]);
    expect(warnings).toHaveLength(1);
  });

  it("rejects header blobs whose sizes do not add up", () => {
    const blob = readSqliteBlobs(readFileSync(join(TESTDATA, "rpmdb.sqlite")))[0]?.blob as Buffer;
    expect(RpmHeader.parse(blob).string(RpmTag.NAME)).toBeTruthy();
    expect(() => RpmHeader.parse(blob.subarray(0, blob.length - 1))).toThrow(RpmHeaderError);
    expect(() => RpmHeader.parse(Buffer.alloc(4))).toThrow(RpmHeaderError);
    const huge = Buffer.from(blob);
    huge.writeUInt32BE(0x7fffffff, 0);
    expect(() => RpmHeader.parse(huge)).toThrow(RpmHeaderError);
  });
});

describe("parseSourceRpm", () => {
  it.each([
    ["openssl-3.0.7-24.el9.src.rpm", { name: "openssl", version: "3.0.7-24.el9" }],
    ["python-pip-21.3.1-1.fc39.src.rpm", { name: "python-pip", version: "21.3.1-1.fc39" }],
    ["kernel-5.14.0-362.8.1.el9_3.nosrc.rpm", { name: "kernel", version: "5.14.0-362.8.1.el9_3" }],
    ["glibc-2.17-326.el7_9.src.rpm", { name: "glibc", version: "2.17-326.el7_9" }],
    ["(none)", undefined],
    ["broken.src.rpm", undefined],
  ])("%s", (file, expected) => {
    expect(parseSourceRpm(file)).toEqual(expected);
  });
});

describe("rpmDbCataloger selector", () => {
  const accept = (p: string) => rpmDbCataloger.selector.accept?.(p) ?? true;
  it("takes rpm's database paths only", () => {
    expect(accept("/var/lib/rpm/Packages")).toBe(true);
    expect(accept("/var/lib/rpm/rpmdb.sqlite")).toBe(true);
    expect(accept("/usr/lib/sysimage/rpm/rpmdb.sqlite")).toBe(true);
    expect(accept("/usr/lib/sysimage/rpm/Packages")).toBe(true);
    expect(accept("/srv/repo/Packages")).toBe(false);
  });
});
