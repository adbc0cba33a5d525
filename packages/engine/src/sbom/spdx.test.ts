import parseSpdxExpression from "spdx-expression-parse";
import { describe, expect, it } from "vitest";
import type { Inventory } from "./inventory.js";
import { renderSpdx, spdxDate, toSpdx } from "./spdx.js";
import { fixture, validateSpdx as validate } from "./test-support.js";

const errorsOf = (text: string) => (validate(JSON.parse(text)) ? [] : (validate.errors ?? []));

type SpdxPackage = {
  name: string;
  SPDXID: string;
  versionInfo?: string;
  licenseDeclared: string;
  sourceInfo?: string;
  externalRefs?: Array<{ referenceCategory: string; referenceType: string; referenceLocator: string }>;
  primaryPackagePurpose?: string;
  checksums?: Array<{ algorithm: string; checksumValue: string }>;
};
type SpdxDoc = {
  spdxVersion: string;
  dataLicense: string;
  SPDXID: string;
  name: string;
  documentNamespace: string;
  creationInfo: { created: string; creators: string[] };
  packages: SpdxPackage[];
  relationships: Array<{ spdxElementId: string; relatedSpdxElement: string; relationshipType: string }>;
  hasExtractedLicensingInfos?: Array<{ licenseId: string; extractedText: string }>;
};
const docOf = (inv: Inventory) => toSpdx(inv) as unknown as SpdxDoc;

describe("SPDX 2.3 writer", () => {
  it("validates against the SPDX 2.3 schema", () => {
    expect(errorsOf(renderSpdx(fixture()))).toEqual([]);
  });

  type Doc = Record<string, unknown> & {
    packages: Array<Record<string, unknown>>;
    relationships: Array<Record<string, unknown>>;
    creationInfo: Record<string, unknown>;
  };
  // Each breaks one rule of the specification in otherwise valid writer output.
  it.each<[string, (doc: Doc) => void, string, string]>([
    [
      "an SPDXID with a space",
      (d) => Object.assign(d.packages[1] ?? {}, { SPDXID: "SPDXRef-has spaces" }),
      "/packages/1/SPDXID",
      "pattern",
    ],
    ["a package without downloadLocation", (d) => delete d.packages[2]?.downloadLocation, "/packages/2", "required"],
    [
      "a relationshipType outside the enumeration",
      (d) => Object.assign(d.relationships[0] ?? {}, { relationshipType: "INCLUDES" }),
      "/relationships/0/relationshipType",
      "enum",
    ],
    [
      "a created date with milliseconds",
      (d) => Object.assign(d.creationInfo, { created: "2024-11-05T14:03:27.418Z" }),
      "/creationInfo/created",
      "pattern",
    ],
    [
      "a misspelt package field",
      (d) => Object.assign(d.packages[1] ?? {}, { versionInfos: "1" }),
      "/packages/1",
      "additionalProperties",
    ],
  ])("rejects %s", (_what, breakIt, instancePath, keyword) => {
    const doc = docOf(fixture()) as unknown as Doc;
    expect(errorsOf(JSON.stringify(doc))).toEqual([]);
    breakIt(doc);
    const errors = errorsOf(JSON.stringify(doc)).map((e) => ({ instancePath: e.instancePath, keyword: e.keyword }));
    expect(errors).toEqual([{ instancePath, keyword }]);
  });

  it("validates for directory, host and empty inventories too", () => {
    const inv = fixture();
    const variants: Inventory[] = [
      { ...inv, source: { kind: "directory", name: "/srv/app", transport: "directory" } },
      { ...inv, source: { kind: "host", name: "web-01", transport: "host" }, distro: undefined },
      { ...inv, packages: [], distro: undefined, source: { kind: "image", name: "scratch-image" } },
    ];
    for (const v of variants) expect(errorsOf(renderSpdx(v))).toEqual([]);
  });

  it("writes the document header", () => {
    const doc = docOf(fixture());
    expect(doc).toMatchObject({ spdxVersion: "SPDX-2.3", dataLicense: "CC0-1.0", SPDXID: "SPDXRef-DOCUMENT" });
    expect(doc.name).toBe("/tmp/rampart-testdata/images/vuln-app-1.0.docker.tar");
    expect(doc.creationInfo).toEqual({ created: "2024-11-05T14:03:27Z", creators: ["Tool: rampart-0.1.0"] });
    expect(doc.documentNamespace).toMatch(
      /^https:\/\/spdx\.org\/spdxdocs\/rampart-image-[A-Za-z0-9.-]+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(docOf(fixture()).documentNamespace).not.toBe(doc.documentNamespace);
  });

  it("describes the image with a root package that contains the OS and every package", () => {
    const inv = fixture();
    const doc = docOf(inv);
    const root = doc.packages[0] as SpdxPackage;
    expect(root).toMatchObject({
      SPDXID: "SPDXRef-DocumentRoot-Image-docker.io-lab-vuln-app",
      name: "docker.io/lab/vuln-app",
      versionInfo: "1.0",
      primaryPackagePurpose: "CONTAINER",
      checksums: [
        { algorithm: "SHA256", checksumValue: "4c2f7e1d8a9b3f6e5d0c7a2b1e8f9d3c6a5b4e7f0d1c2b3a4e5f6d7c8b9a0e1f" },
      ],
    });
    const os = doc.packages.find((p) => p.primaryPackagePurpose === "OPERATING-SYSTEM");
    expect(os).toMatchObject({ name: "debian", versionInfo: "11" });
    const describes = doc.relationships.filter((r) => r.relationshipType === "DESCRIBES");
    expect(describes).toEqual([
      { spdxElementId: "SPDXRef-DOCUMENT", relatedSpdxElement: root.SPDXID, relationshipType: "DESCRIBES" },
    ]);
    const contained = doc.relationships
      .filter((r) => r.relationshipType === "CONTAINS" && r.spdxElementId === root.SPDXID)
      .map((r) => r.relatedSpdxElement);
    expect(contained).toEqual(doc.packages.slice(1).map((p) => p.SPDXID));
    expect(contained).toHaveLength(inv.packages.length + 1);
  });

  it("gives each package a unique typed SPDXID, its purl, NOASSERTION fields and where it was found", () => {
    const inv = fixture();
    const pkgs = docOf(inv).packages.filter((p) => p.SPDXID.startsWith("SPDXRef-Package-"));
    expect(pkgs).toHaveLength(inv.packages.length);
    for (const p of pkgs) expect(p.SPDXID).toMatch(/^SPDXRef-Package-[a-z]+-[A-Za-z0-9.-]+-[0-9a-f]{16}$/);
    expect(new Set(pkgs.map((p) => p.SPDXID)).size).toBe(pkgs.length);
    expect(pkgs.map((p) => p.externalRefs)).toEqual(
      inv.packages.map((p) => [
        { referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: p.purl },
      ]),
    );
    const libc = pkgs.find((p) => p.name === "libc6") as SpdxPackage;
    expect(libc).toMatchObject({
      versionInfo: "2.31-13+deb11u11",
      supplier: "NOASSERTION",
      downloadLocation: "NOASSERTION",
      licenseConcluded: "NOASSERTION",
      filesAnalyzed: false,
      primaryPackagePurpose: "LIBRARY",
      sourceInfo:
        "found at /var/lib/dpkg/status in layer sha256:9d67bb48d40b62581875a5358856a1b63e07da27671c580ac1a9259aa863821e",
    });
    expect(libc.SPDXID).toMatch(/^SPDXRef-Package-deb-libc6-/);
    const log4j = pkgs.find((p) => p.name === "log4j-core") as SpdxPackage;
    expect(log4j.sourceInfo).toBe(
      "found at /app/java/app.jar!/BOOT-INF/lib/log4j-core-2.14.1.jar in layer sha256:5e5ca9618ab6078b6e515e31621a03049bbf29354e7f9918b944b59c32ac131a; " +
        "found at /app/java/lib/log4j-core-2.14.1-FAKE.jar in layer sha256:5e5ca9618ab6078b6e515e31621a03049bbf29354e7f9918b944b59c32ac131a",
    );
  });

  it("declares licenses as valid SPDX expressions, free text as defined LicenseRefs", () => {
    const doc = docOf(fixture());
    const libc = doc.packages.find((p) => p.name === "libc6") as SpdxPackage;
    expect(libc.licenseDeclared).toBe("GPL-2.0-only AND LGPL-2.1-only AND LicenseRef-public-domain");
    expect(doc.hasExtractedLicensingInfos).toEqual([
      { licenseId: "LicenseRef-public-domain", extractedText: "public-domain", name: "public-domain" },
    ]);
    for (const p of doc.packages) {
      if (p.licenseDeclared !== "NOASSERTION") expect(() => parseSpdxExpression(p.licenseDeclared)).not.toThrow();
    }
  });

  it("keeps LicenseRefs of different texts apart", () => {
    const inv = fixture();
    const [a, b, ...rest] = inv.packages;
    const doc = docOf({
      ...inv,
      packages: [
        { ...(a as Inventory["packages"][0]), licenses: ["GPL v2"] },
        { ...(b as Inventory["packages"][0]), licenses: ["GPL-v2", "MIT OR Apache-2.0"] },
        ...rest,
      ],
    });
    const refs = doc.hasExtractedLicensingInfos?.map((i) => i.licenseId) ?? [];
    expect(refs).toHaveLength(2);
    expect(new Set(refs).size).toBe(2);
    expect(refs[0]).toBe("LicenseRef-GPL-v2");
    expect(errorsOf(JSON.stringify(doc))).toEqual([]);
  });

  it("drops fractions of seconds from dates, which the schema forbids", () => {
    expect(spdxDate("2024-11-05T14:03:27.418Z")).toBe("2024-11-05T14:03:27Z");
    expect(spdxDate("2024-11-05T15:03:27+01:00")).toBe("2024-11-05T14:03:27Z");
    expect(spdxDate("garbage")).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });
});
