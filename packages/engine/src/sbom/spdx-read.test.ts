import { describe, expect, it } from "vitest";
import type { Package } from "../package/package.js";
import { parseSbom } from "./read.js";
import { SbomError } from "./sbom-error.js";
import { renderSpdx } from "./spdx.js";
import { byName, essentials, fixture, read, validateSpdx as validate } from "./test-support.js";

describe("SPDX reader: round trip", () => {
  it("reads back what the writer wrote", () => {
    const inv = fixture();
    const back = parseSbom(renderSpdx(inv), { name: "vuln-app.spdx.json" });
    expect(back.packages.map(essentials)).toEqual(inv.packages.map(essentials));
    expect(back.packages.map((p) => [p.type, p.namespace, p.arch, p.foundBy])).toEqual(
      inv.packages.map((p) => [p.type, p.namespace, p.arch, p.foundBy]),
    );
    expect(back.distro).toEqual(inv.distro);
    expect(back.warnings).toEqual([]);
    expect(back.source).toMatchObject({
      kind: "sbom",
      name: "vuln-app.spdx.json",
      transport: "spdx",
      imageId: inv.source.imageId,
      layers: inv.source.layers,
    });
  });

  it("reads licenses back: expressions whole, a lone LicenseRef as its text", () => {
    const inv = fixture();
    const [first, ...rest] = inv.packages;
    const back = byName(
      parseSbom(renderSpdx({ ...inv, packages: [{ ...(first as Package), licenses: ["public-domain"] }, ...rest] })),
    );
    expect(back.get("libc6")?.licenses).toEqual(["public-domain"]);
    expect(back.get("login")?.licenses).toEqual(["GPL-2.0-only"]);
    expect(back.get("lodash")?.licenses).toEqual(["MIT"]);
  });

  it("falls back to sourceInfo for locations when the annotation is gone", () => {
    const doc = JSON.parse(renderSpdx(fixture())) as { packages: Array<Record<string, unknown>> };
    for (const p of doc.packages) delete p.annotations;
    const back = byName(parseSbom(JSON.stringify(doc)));
    expect(back.get("log4j-core")?.locations).toEqual(
      fixture().packages.find((p) => p.name === "log4j-core")?.locations,
    );
    expect(back.get("libc6")?.foundBy).toEqual(["sbom-cataloger"]);
  });
});

describe("SPDX reader: Syft", () => {
  const text = read("syft-app.spdx.json");

  it("reads a schema-valid Syft SPDX 2.3 document", () => {
    expect(validate(JSON.parse(text))).toBe(true);
  });

  it("reads packages from purl external refs, locations from sourceInfo, and skips the described image", () => {
    const inv = parseSbom(text);
    expect(inv.packages.map((p) => p.purl)).toEqual([
      "pkg:deb/debian/base-files@12.4+deb12u15?arch=amd64&distro=debian-12",
      "pkg:deb/debian/bash@5.2.15-2+b13?arch=amd64&distro=debian-12&upstream=bash%405.2.15-2",
      "pkg:deb/debian/libc6@2.36-9+deb12u14?arch=amd64&distro=debian-12&upstream=glibc",
      "pkg:golang/golang.org/x/net@v0.7.0",
      "pkg:npm/%40babel/code-frame@7.22.13",
    ]);
    const pkgs = byName(inv);
    expect(pkgs.get("base-files")).toMatchObject({
      licenses: ["GPL"],
      locations: [{ path: "/var/lib/dpkg/status" }, { path: "/usr/share/doc/base-files/copyright" }],
    });
    expect(pkgs.get("bash")?.source).toEqual({ name: "bash", version: "5.2.15-2" });
    expect(pkgs.get("libc6")?.source).toEqual({ name: "glibc", version: "2.36-9+deb12u14" });
    expect(pkgs.get("libc6")?.licenses).toEqual(["GPL-2.0-only AND LGPL-2.1-only"]);
    expect(inv.distro).toEqual({ id: "debian", versionId: "12" });
    expect(inv.source).toEqual({ kind: "sbom", name: "docker.io/lab/app:2.3", transport: "spdx" });
    expect(inv.warnings).toEqual(['skipped 1 component with purl type "generic", which Rampart does not catalog']);
  });
});

describe("SPDX reader: Trivy", () => {
  const text = read("trivy-vuln-app.spdx.json");

  it("reads a schema-valid Trivy SPDX 2.3 document", () => {
    expect(validate(JSON.parse(text))).toBe(true);
  });

  it("reads Trivy's OS package, annotations, sourceInfo and image facts", () => {
    const inv = parseSbom(text);
    expect(inv.distro).toEqual({ id: "debian", versionId: "11.11" });
    const pkgs = byName(inv);
    expect(pkgs.get("libc6")).toMatchObject({
      source: { name: "glibc", version: "2.31-13+deb11u11" },
      locations: [],
      licenses: ["LGPL-2.1-only AND GPL-2.0-only AND LicenseRef-3e0a9b1f6c2d8e47"],
    });
    expect(pkgs.get("login")).toMatchObject({
      version: "1:4.8.1-1",
      purl: "pkg:deb/debian/login@1:4.8.1-1?arch=amd64&distro=debian-11.11",
      source: { name: "shadow", version: "1:4.8.1-1" },
    });
    expect(pkgs.get("lodash")?.locations).toEqual([
      {
        path: "/app/node/node_modules/lodash/package.json",
        layer: "sha256:a3f8bbe2ac68642a6001cbfe040074ce758a9b3029b0dc092a8aeb8c89b0f895",
      },
    ]);
    expect(pkgs.get("PyYAML")?.purl).toBe("pkg:pypi/pyyaml@5.1");
    expect(inv.source).toEqual({
      kind: "sbom",
      name: "docker.io/lab/vuln-app:1.0",
      transport: "spdx",
      imageId: "sha256:089bb39877cf4a6df6da9a0092028158981d286a42257c7fb9f21abc9f21996b",
      manifestDigest: "sha256:dc91bdc12fbb7c322746e32bc614e5121c956c69e5829366bfbbc9412c47a35d",
      tags: ["docker.io/lab/vuln-app:1.0"],
    });
    expect(inv.warnings).toEqual([]);
  });

  it("reads an SPDX 2.2 document with documentDescribes and no purpose fields", () => {
    const doc = {
      spdxVersion: "SPDX-2.2",
      SPDXID: "SPDXRef-DOCUMENT",
      name: "centos-7.tar.gz",
      documentDescribes: ["SPDXRef-ContainerImage-dd5cad897c6263"],
      packages: [
        { SPDXID: "SPDXRef-ContainerImage-dd5cad897c6263", name: "centos-7.tar.gz", filesAnalyzed: false },
        { SPDXID: "SPDXRef-OperatingSystem-2e91c856c499a371", name: "centos", versionInfo: "7.6.1810" },
        {
          SPDXID: "SPDXRef-Package-5a18334f22149877",
          name: "bash",
          versionInfo: "4.2.46",
          licenseDeclared: "GPLv3+",
          sourceInfo: "built package from: bash 4.2.46-31.el7",
          externalRefs: [
            {
              referenceCategory: "PACKAGE-MANAGER",
              referenceType: "purl",
              referenceLocator: "pkg:rpm/centos/bash@4.2.46-31.el7?arch=x86_64&distro=centos-7.6.1810",
            },
          ],
        },
      ],
    };
    const inv = parseSbom(JSON.stringify(doc));
    expect(inv.distro).toEqual({ id: "centos", versionId: "7.6.1810" });
    expect(inv.packages.map((p) => [p.name, p.version, p.arch, p.source, p.licenses])).toEqual([
      ["bash", "4.2.46-31.el7", "x86_64", { name: "bash", version: "4.2.46-31.el7" }, ["GPLv3+"]],
    ]);
  });
});

describe("SPDX reader: malformed input", () => {
  const spdx = (extra: Record<string, unknown>) => JSON.stringify({ spdxVersion: "SPDX-2.3", ...extra });

  it.each([
    ["SPDX 3", spdx({ spdxVersion: "SPDX-3.0" }), /spdxVersion "SPDX-3.0" is not supported/],
    ["packages that are not a list", spdx({ packages: "none" }), /SPDX: packages must be an array, but it is a string/],
    ["a package that is not an object", spdx({ packages: [7] }), /packages\[0\] must be an object, but it is a number/],
    [
      "an external ref of the wrong shape",
      spdx({ packages: [{ SPDXID: "SPDXRef-a", name: "a", externalRefs: [{ referenceLocator: ["pkg:npm/a@1"] }] }] }),
      /packages\[0\]\.externalRefs\[0\]\.referenceLocator must be a string, but it is an array/,
    ],
    [
      "relationships of the wrong shape",
      spdx({ relationships: [{ relationshipType: 3 }] }),
      /relationships\[0\]\.relationshipType must be a string, but it is a number/,
    ],
  ])("rejects %s with a clear SbomError", (_what, text, message) => {
    expect(() => parseSbom(text)).toThrow(SbomError);
    expect(() => parseSbom(text)).toThrow(message);
  });

  it("warns about a broken Rampart annotation and reads the package anyway", () => {
    const pkg = {
      SPDXID: "SPDXRef-Package-npm-a",
      name: "a",
      externalRefs: [
        { referenceCategory: "PACKAGE_MANAGER", referenceType: "purl", referenceLocator: "pkg:npm/a@1.0.0" },
      ],
      annotations: [{ annotator: "Tool: rampart-0.1.0", comment: "rampart:properties {not json" }],
    };
    const inv = parseSbom(spdx({ packages: [pkg, { SPDXID: "SPDXRef-x", name: "no-purl" }] }));
    expect(inv.packages.map((p) => p.purl)).toEqual(["pkg:npm/a@1.0.0"]);
    expect(inv.warnings).toEqual([
      "skipped 1 package(s) without a purl external reference",
      "ignored 1 malformed Rampart annotation(s)",
    ]);
  });
});
