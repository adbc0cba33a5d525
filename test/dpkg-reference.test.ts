import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { inventoryOf } from "./fixtures/scan.js";
import { parseDpkgQuery, testdata } from "./fixtures/testdata.js";

/**
 * The SBOM against dpkg itself: every package `dpkg-query -W` lists in the image's root filesystem (recorded
 * by the test setup with the real dpkg) must be in the SBOM with the exact version, architecture and source
 * package — and nothing dpkg does not list.
 */
const cases = [
  {
    image: "images/debian-bookworm.docker.tar",
    reference: "rootfs-bookworm.dpkg-query.tsv",
    distro: { id: "debian", versionId: "12" },
  },
  {
    image: "images/debian-bullseye.docker.tar",
    reference: "rootfs-bullseye.dpkg-query.tsv",
    distro: { id: "debian", versionId: "11" },
  },
  {
    image: "images/vuln-app-1.0.docker.tar",
    reference: "vuln-app-1.0.dpkg-query.tsv",
    distro: { id: "debian", versionId: "11" },
  },
];

describe.each(cases)("dpkg packages of $image", ({ image, reference, distro }) => {
  it("match dpkg-query exactly: name, version, source package and version, arch", async () => {
    const expected = parseDpkgQuery(readFileSync(testdata(reference), "utf8"));
    expect(expected.length).toBeGreaterThan(80);
    const inv = await inventoryOf(testdata(image));
    expect(inv.distro).toMatchObject(distro);
    const debs = inv.packages.filter((p) => p.type === "deb");
    const got = debs
      .map((p) => `${p.name}\t${p.version}\t${p.source?.name ?? p.name}\t${p.source?.version ?? p.version}\t${p.arch}`)
      .sort();
    const want = expected.map((r) => `${r.name}\t${r.version}\t${r.source}\t${r.sourceVersion}\t${r.arch}`).sort();
    expect(got).toEqual(want);
    for (const p of debs) {
      expect(p.purl).toMatch(
        new RegExp(`^pkg:deb/debian/${p.name.replace(/[+.]/g, (c) => (c === "+" ? "%2B" : "\\."))}@`),
      );
      expect(p.purl).toContain(`distro=debian-${distro.versionId}`);
      expect(p.locations[0]?.path).toBe("/var/lib/dpkg/status");
      expect(p.locations[0]?.layer).toMatch(/^sha256:[a-f0-9]{64}$/);
    }
  });
});
