import { Spec, Validation } from "@cyclonedx/cyclonedx-library";
import { describe, expect, it } from "vitest";
import { renderCycloneDx } from "./cyclonedx.js";
import { MAX_COMPONENT_DEPTH } from "./cyclonedx-read.js";
import { parseSbom } from "./read.js";
import { SbomError } from "./sbom-error.js";
import { byName, essentials, fixture, read } from "./test-support.js";

describe("CycloneDX reader: round trip", () => {
  it("reads back what the writer wrote", () => {
    const inv = fixture();
    const back = parseSbom(renderCycloneDx(inv), { name: "vuln-app.cdx.json", toolVersion: "0.1.0" });
    expect(back.packages.map(essentials)).toEqual(inv.packages.map(essentials));
    expect(back.packages.map((p) => p.foundBy)).toEqual(inv.packages.map((p) => p.foundBy));
    expect(back.packages.map((p) => p.licenses)).toEqual(inv.packages.map((p) => p.licenses));
    expect(back.packages.map((p) => [p.type, p.namespace, p.arch])).toEqual(
      inv.packages.map((p) => [p.type, p.namespace, p.arch]),
    );
    expect(back.distro).toEqual(inv.distro);
    expect(back.warnings).toEqual([]);
    expect(back.tool).toEqual({ name: "rampart", version: "0.1.0" });
    expect(back.source).toMatchObject({
      kind: "sbom",
      name: "vuln-app.cdx.json",
      transport: "cyclonedx",
      imageId: inv.source.imageId,
      manifestDigest: inv.source.manifestDigest,
      tags: inv.source.tags,
      layers: inv.source.layers,
    });
  });

  it("brings metadata back as strings, lists as lists", () => {
    const back = byName(parseSbom(renderCycloneDx(fixture())));
    expect(back.get("golang.org/x/net")?.metadata).toEqual({ goToolchain: "go1.19.8", mainModule: "false" });
    expect(back.get("PyYAML")?.metadata).toEqual({ topLevel: ["yaml", "_yaml"] });
  });
});

describe("CycloneDX reader: Syft", () => {
  const text = read("syft-app.cdx.json");

  it("reads a schema-valid Syft 1.6 BOM", async () => {
    expect(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(text)).toBeNull();
  });

  it("takes packages from purls, in our canonical purl form", () => {
    const inv = parseSbom(text);
    expect(inv.packages.map((p) => p.purl)).toEqual([
      "pkg:deb/debian/base-files@12.4+deb12u15?arch=amd64&distro=debian-12",
      "pkg:deb/debian/bash@5.2.15-2+b13?arch=amd64&distro=debian-12&upstream=bash%405.2.15-2",
      "pkg:deb/debian/libc6@2.36-9+deb12u14?arch=amd64&distro=debian-12&upstream=glibc",
      "pkg:deb/debian/login@1:4.13+dfsg1-1+deb12u2?arch=amd64&distro=debian-12&upstream=shadow",
      "pkg:golang/golang.org/x/net@v0.7.0",
      "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
      "pkg:npm/%40babel/code-frame@7.22.13",
      "pkg:npm/lodash@4.17.15",
    ]);
    expect(inv.warnings).toEqual(['skipped 1 component with purl type "generic", which Rampart does not catalog']);
  });

  it("reads Syft's catalogers, locations with layers, and source packages", () => {
    const pkgs = byName(parseSbom(text));
    const base = "sha256:c93fbbdb32f412e2f3d042bad6e1bf4088437ce595b98b09487fcbe6394b168c";
    expect(pkgs.get("libc6")).toMatchObject({
      type: "deb",
      version: "2.36-9+deb12u14",
      arch: "amd64",
      source: { name: "glibc", version: "2.36-9+deb12u14" },
      foundBy: ["dpkg-db-cataloger"],
      licenses: ["GPL-2.0-only", "LGPL-2.1-only"],
      locations: [
        { path: "/var/lib/dpkg/status", layer: base },
        { path: "/usr/share/doc/libc6/copyright", layer: base },
      ],
    });
    expect(pkgs.get("bash")?.source).toEqual({ name: "bash", version: "5.2.15-2" });
    expect(pkgs.get("base-files")?.source).toBeUndefined();
    expect(pkgs.get("code-frame")).toMatchObject({ namespace: "@babel", foundBy: ["javascript-package-cataloger"] });
    expect(pkgs.get("golang.org/x/net")?.locations).toEqual([
      {
        path: "/usr/local/bin/lab-goapp",
        layer: "sha256:0bc8111546378f059da8322ecb8d13ea421a4d4b38589abaaf170ec5edcc78c2",
      },
    ]);
  });

  it("takes the distro from the operating-system component and names the SBOM after its subject", () => {
    const inv = parseSbom(text);
    expect(inv.distro).toEqual({ id: "debian", versionId: "12", prettyName: "Debian GNU/Linux 12 (bookworm)" });
    expect(inv.source).toEqual({ kind: "sbom", name: "docker.io/lab/app:2.3", transport: "cyclonedx" });
  });
});

describe("CycloneDX reader: Trivy", () => {
  const text = read("trivy-vuln-app.cdx.json");

  it("reads a schema-valid Trivy 1.6 BOM", async () => {
    expect(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(text)).toBeNull();
  });

  it("moves a Debian epoch from Trivy's qualifier into the version, as our purls have it", () => {
    const login = byName(parseSbom(text)).get("login");
    expect(login).toMatchObject({
      version: "1:4.8.1-1",
      purl: "pkg:deb/debian/login@1:4.8.1-1?arch=amd64&distro=debian-11.11",
      source: { name: "shadow", version: "1:4.8.1-1" },
    });
  });

  it("reads Trivy's source packages, root-relative file paths and layers", () => {
    const pkgs = byName(parseSbom(text));
    expect(pkgs.get("libc6")).toMatchObject({
      purl: "pkg:deb/debian/libc6@2.31-13+deb11u11?arch=amd64&distro=debian-11.11",
      source: { name: "glibc", version: "2.31-13+deb11u11" },
      foundBy: ["sbom-cataloger"],
      licenses: ["LGPL-2.1-only", "GPL-2.0-only", "public-domain"],
      locations: [],
    });
    expect(pkgs.get("log4j-core")).toMatchObject({
      namespace: "org.apache.logging.log4j",
      locations: [
        {
          path: "/app/java/lib/log4j-core-2.14.1-FAKE.jar",
          layer: "sha256:5e5ca9618ab6078b6e515e31621a03049bbf29354e7f9918b944b59c32ac131a",
        },
      ],
    });
    expect(pkgs.get("PyYAML")?.purl).toBe("pkg:pypi/pyyaml@5.1");
  });

  it("merges a package Trivy lists twice, keeping both locations", () => {
    const inv = parseSbom(text);
    const lodash = inv.packages.filter((p) => p.name === "lodash");
    expect(lodash).toHaveLength(1);
    expect(lodash[0]?.locations.map((l) => l.path)).toEqual([
      "/app/node/node_modules/lodash/package.json",
      "/app/node/node_modules/handlebars/node_modules/lodash/package.json",
    ]);
  });

  it("locates a binary's modules at the binary, through the dependency graph", () => {
    const pkgs = byName(parseSbom(text));
    const layer = "sha256:5f1ccb47172899645cc4fba0f8a9855e4f6e22fca476d3455ef0efb417546abd";
    expect(pkgs.get("golang.org/x/net")?.locations).toEqual([{ path: "/usr/local/bin/lab-goapp", layer }]);
    expect(pkgs.get("stdlib")?.locations).toEqual([{ path: "/usr/local/bin/lab-goapp", layer }]);
  });

  it("takes the distro and the image facts", () => {
    const inv = parseSbom(text);
    expect(inv.distro).toEqual({ id: "debian", versionId: "11.11" });
    expect(inv.source).toEqual({
      kind: "sbom",
      name: "docker.io/lab/vuln-app:1.0",
      transport: "cyclonedx",
      imageId: "sha256:089bb39877cf4a6df6da9a0092028158981d286a42257c7fb9f21abc9f21996b",
      manifestDigest: "sha256:dc91bdc12fbb7c322746e32bc614e5121c956c69e5829366bfbbc9412c47a35d",
      tags: ["docker.io/lab/vuln-app:1.0"],
    });
    expect(inv.packages).toHaveLength(8);
    expect(inv.warnings).toEqual([]);
  });
});

describe("CycloneDX reader: other shapes", () => {
  it("walks nested components and keeps extra purl qualifiers", () => {
    const inv = parseSbom(read("nested-assembly.cdx.json"));
    expect(inv.packages.map((p) => p.purl)).toEqual([
      "pkg:maven/org.springframework.boot/spring-boot@2.7.9?type=jar",
      "pkg:maven/org.springframework/spring-core@5.3.26?type=jar",
      "pkg:maven/org.springframework/spring-jcl@5.3.26?type=jar",
      "pkg:maven/org.yaml/snakeyaml@1.30?type=jar",
    ]);
    expect(byName(inv).get("snakeyaml")?.licenses).toEqual(["Apache-2.0 OR LGPL-2.1-or-later OR GPL-2.0-only"]);
    expect(byName(inv).get("spring-jcl")?.qualifiers).toEqual({ type: "jar" });
    expect(inv.distro).toBeUndefined();
    expect(inv.warnings).toEqual([
      "skipped 1 library component(s) without a purl",
      'skipped 1 component with purl type "swift", which Rampart does not catalog',
    ]);
  });

  it("takes the distro from OS purls when there is no operating-system component", () => {
    const doc = {
      bomFormat: "CycloneDX",
      specVersion: "1.3",
      components: [
        {
          type: "library",
          name: "busybox",
          version: "1.36.1-r15",
          purl: "pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64&distro=3.19.1",
        },
        {
          type: "library",
          name: "zlib",
          version: "1.3.1-r0",
          purl: "pkg:apk/alpine/zlib@1.3.1-r0?arch=x86_64&distro=alpine-3.19.1&upstream=zlib",
        },
      ],
    };
    const inv = parseSbom(JSON.stringify(doc));
    expect(inv.distro).toEqual({ id: "alpine", versionId: "3.19.1" });
    expect(inv.packages.map((p) => [p.name, p.arch, p.source])).toEqual([
      ["busybox", "x86_64", undefined],
      ["zlib", "x86_64", { name: "zlib", version: "1.3.1-r0" }],
    ]);
  });

  it("reads rpm epochs and Syft's source RPM", () => {
    const doc = {
      bomFormat: "CycloneDX",
      specVersion: "1.5",
      components: [
        {
          type: "library",
          name: "openssl-libs",
          version: "1:1.0.2k-16.el7",
          purl: "pkg:rpm/centos/openssl-libs@1.0.2k-16.el7?arch=x86_64&epoch=1&upstream=openssl-1.0.2k-16.el7.src.rpm&distro=centos-7",
        },
      ],
    };
    const [p] = parseSbom(JSON.stringify(doc)).packages;
    expect(p).toMatchObject({ epoch: 1, arch: "x86_64", source: { name: "openssl", version: "1.0.2k-16.el7" } });
  });
});

describe("CycloneDX reader: malformed input", () => {
  const bom = (extra: Record<string, unknown>) =>
    JSON.stringify({ bomFormat: "CycloneDX", specVersion: "1.6", ...extra });

  it.each([
    [
      "an unsupported spec version",
      JSON.stringify({ bomFormat: "CycloneDX", specVersion: "2.0" }),
      /specVersion "2.0"/,
    ],
    [
      "a missing spec version",
      JSON.stringify({ bomFormat: "CycloneDX" }),
      /specVersion must be a string, but it is missing/,
    ],
    [
      "components that are not a list",
      bom({ components: { a: 1 } }),
      /components must be an array, but it is an object/,
    ],
    [
      "a component that is not an object",
      bom({ components: [null] }),
      /components\[0\] must be an object, but it is null/,
    ],
    [
      "a purl that is not a string",
      bom({ components: [{ type: "library", name: "x", purl: 42 }] }),
      /components\[0\]\.purl must be a string, but it is a number/,
    ],
    [
      "properties of the wrong shape",
      bom({ components: [{ type: "library", name: "x", properties: [{ name: 1 }] }] }),
      /components\[0\]\.properties\[0\]\.name/,
    ],
    [
      "licenses of the wrong shape",
      bom({ components: [{ type: "library", name: "x", purl: "pkg:npm/x@1", licenses: "MIT" }] }),
      /components\[0\]\.licenses must be an array/,
    ],
    ["metadata that is not an object", bom({ metadata: "yesterday" }), /metadata must be an object/],
  ])("rejects %s with a clear SbomError", (_what, text, message) => {
    expect(() => parseSbom(text)).toThrow(SbomError);
    expect(() => parseSbom(text)).toThrow(message);
  });

  it("rejects components nested deeper than the limit without exhausting the stack", () => {
    // Built as text: JSON.stringify itself overflows the stack at this depth; JSON.parse does not.
    const depth = 100_000;
    const open = '{"type":"library","name":"n","components":['.repeat(depth);
    const text = `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[${open}{"type":"library","name":"leaf"}${"]}".repeat(depth)}]}`;
    expect(() => parseSbom(text)).toThrow(
      new SbomError(`CycloneDX: components are nested more than ${MAX_COMPONENT_DEPTH} levels deep`),
    );
  });

  it("reads components nested up to the limit", () => {
    let c: Record<string, unknown> = { type: "library", name: "leaf", purl: "pkg:npm/leaf@1.0.0" };
    for (let i = 1; i < MAX_COMPONENT_DEPTH; i++) c = { type: "library", name: `n${i}`, components: [c] };
    expect(parseSbom(bom({ components: [c] })).packages.map((p) => p.purl)).toEqual(["pkg:npm/leaf@1.0.0"]);
  });

  it("warns about, and skips, purls that do not parse", () => {
    const inv = parseSbom(bom({ components: [{ type: "library", name: "x", purl: "npm/x@1" }] }));
    expect(inv.packages).toEqual([]);
    expect(inv.warnings).toEqual(['skipped 1 component(s) with an invalid purl: "npm/x@1"']);
  });
});
