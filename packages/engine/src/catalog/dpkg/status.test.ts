import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { PackageInput } from "../../package/package.js";
import { dpkgDbCataloger } from "./cataloger.js";
import { parseDpkgStatus } from "./status.js";

const TESTDATA = join(import.meta.dirname, "testdata");

function collectingContext() {
  const warnings: string[] = [];
  return { warnings, ctx: { warn: (m: string) => warnings.push(m) } };
}

/** Rows of the reference tool's tab-separated output: package, arch, version, source, source version[, state]. */
function readTsv(path: string): string[][] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => l.split("\t"));
}

const asRow = (p: PackageInput) => [p.name, p.arch ?? "", p.version, p.source?.name ?? "", p.source?.version ?? ""];
const sorted = (rows: string[][]) => rows.map((r) => r.join("\t")).sort();

describe("parseDpkgStatus against dpkg-query", () => {
  for (const release of ["bookworm", "bullseye"]) {
    it(`${release}: same packages, versions, architectures and sources as dpkg-query`, () => {
      const path = "/var/lib/dpkg/status";
      const text = readFileSync(join(TESTDATA, release, "status"), "utf8");
      const { warnings, ctx } = collectingContext();
      const packages = parseDpkgStatus(text, path, ctx);
      const expected = readTsv(join(TESTDATA, release, "dpkg-query.tsv"));
      expect(expected.length).toBeGreaterThan(80);
      expect(sorted(packages.map(asRow))).toEqual(sorted(expected));
      expect(warnings).toEqual([]);
      for (const p of packages) {
        expect(p.type).toBe("deb");
        expect(p.location).toEqual({ path });
      }
    });
  }

  it("keeps the epoch in the version and reads the source version from Source", () => {
    const text = readFileSync(join(TESTDATA, "bookworm", "status"), "utf8");
    const byName = new Map(parseDpkgStatus(text, "/var/lib/dpkg/status", { warn: () => {} }).map((p) => [p.name, p]));
    expect(byName.get("bsdutils")).toMatchObject({
      version: "1:2.38.1-5+deb12u3",
      source: { name: "util-linux", version: "2.38.1-5+deb12u3" },
    });
    expect(byName.get("libc6")).toMatchObject({
      arch: "amd64",
      source: { name: "glibc", version: byName.get("libc6")?.version },
      metadata: { maintainer: "GNU Libc Maintainers <debian-glibc@lists.debian.org>" },
    });
    expect(byName.get("libc6")?.metadata?.installedSize).toBeGreaterThan(1000);
  });

  it("keeps installed and trigger-waiting packages, drops config-files, half-installed, unpacked, not-installed", () => {
    const { warnings, ctx } = collectingContext();
    const text = readFileSync(join(TESTDATA, "states", "status"), "utf8");
    const packages = parseDpkgStatus(text, "/var/lib/dpkg/status", ctx);
    const keep = new Set(["installed", "triggers-pending"]);
    const expected = readTsv(join(TESTDATA, "states", "dpkg-query.tsv")).filter((r) => keep.has(r[5] ?? ""));
    expect(sorted(packages.map(asRow))).toEqual(sorted(expected.map((r) => r.slice(0, 5))));
    expect(packages.map((p) => p.name)).not.toContain("libssl1.1");
    expect(packages.filter((p) => p.name === "libc6").map((p) => p.arch)).toEqual(["amd64", "i386"]);
    expect(warnings).toEqual([]);
  });
});

describe("distroless status.d", () => {
  const dir = join(TESTDATA, "distroless", "var", "lib", "dpkg", "status.d");

  it("reads one control paragraph per file and matches dpkg-deb's view of the same packages", async () => {
    const found: PackageInput[] = [];
    const { warnings, ctx } = collectingContext();
    for (const name of readdirSync(dir)) {
      const path = `/var/lib/dpkg/status.d/${name}`;
      const wanted = dpkgDbCataloger.selector.accept?.(path) ?? true;
      expect(wanted).toBe(!name.endsWith(".md5sums"));
      if (!wanted) continue;
      const packages = await dpkgDbCataloger.parse({ path, content: readFileSync(join(dir, name)), mode: 0o644 }, ctx);
      expect(packages).toHaveLength(1);
      expect(packages[0]?.location.path).toBe(path);
      found.push(...packages);
    }
    const expected = readTsv(join(TESTDATA, "distroless", "dpkg-deb-show.tsv"));
    expect(sorted(found.map(asRow))).toEqual(sorted(expected));
    expect(warnings).toEqual([]);
  });
});

describe("dpkgDbCataloger selector", () => {
  const accept = (p: string) => dpkgDbCataloger.selector.accept?.(p) ?? true;

  it("takes only dpkg's own status file and status.d entries", () => {
    expect(accept("/var/lib/dpkg/status")).toBe(true);
    expect(accept("/var/lib/dpkg/status.d/libc6")).toBe(true);
    expect(accept("/var/lib/dpkg/status.d/libc6.md5sums")).toBe(false);
    expect(accept("/var/lib/dpkg/status-old")).toBe(false);
    expect(accept("/proc/self/status")).toBe(false);
    expect(accept("/app/node_modules/statuses/status")).toBe(false);
    expect(accept("/var/lib/dpkg/status.d/sub/dir")).toBe(false);
  });
});

describe("bad input", () => {
  it("warns and keeps what it can", () => {
    const { warnings, ctx } = collectingContext();
    const text = [
      "Package: ok",
      "Status: install ok installed",
      "Version: 1.0",
      "this line is not a field",
      "",
      "Package: noversion",
      "Status: install ok installed",
      "",
      " orphan continuation",
    ].join("\n");
    const packages = parseDpkgStatus(text, "/var/lib/dpkg/status", ctx);
    expect(packages.map((p) => p.name)).toEqual(["ok"]);
    expect(warnings).toHaveLength(2);
  });

  it("survives binary garbage", () => {
    const { ctx } = collectingContext();
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString("latin1");
    expect(() => parseDpkgStatus(garbage, "/var/lib/dpkg/status", ctx)).not.toThrow();
  });
});
