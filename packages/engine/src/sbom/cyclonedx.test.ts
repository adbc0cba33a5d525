import { Spec, Validation } from "@cyclonedx/cyclonedx-library";
import { describe, expect, it } from "vitest";
import { purlFor } from "../package/purl.js";
import { cycloneDxLicenses, renderCycloneDx, toCycloneDx } from "./cyclonedx.js";
import type { Inventory } from "./inventory.js";
import { fixture } from "./test-support.js";

const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);

type Component = {
  "bom-ref": string;
  type: string;
  name: string;
  group?: string;
  version?: string;
  purl?: string;
  licenses?: unknown[];
  properties?: Array<{ name: string; value: string }>;
  evidence?: { occurrences: Array<{ location: string }> };
};
type Bom = {
  specVersion: string;
  serialNumber: string;
  metadata: { timestamp: string; tools: { components: Component[] }; component: Component };
  components: Component[];
  dependencies: Array<{ ref: string; dependsOn: string[] }>;
};

const bomOf = (inv: Inventory) => toCycloneDx(inv) as unknown as Bom;
const prop = (c: Component, name: string) => c.properties?.filter((p) => p.name === name).map((p) => p.value);

describe("CycloneDX 1.6 writer", () => {
  it("writes a fixture whose purls are the ones the scan computes", () => {
    const inv = fixture();
    for (const p of inv.packages) {
      const { purl, foundBy, locations, ...input } = p;
      expect(purlFor({ ...input, location: locations[0] ?? { path: "/" } }, inv.distro)).toBe(purl);
    }
  });

  it("validates against the official 1.6 schema", async () => {
    expect(await validator.validate(renderCycloneDx(fixture()))).toBeNull();
  });

  it("has a live validator that rejects a broken BOM", async () => {
    const bom = bomOf(fixture()) as unknown as Record<string, unknown>;
    (bom.components as Array<Record<string, unknown>>)[1] = { type: "library", purl: 42 };
    expect(await validator.validate(JSON.stringify(bom))).not.toBeNull();
  });

  it("validates for directory, host and empty inventories too", async () => {
    const inv = fixture();
    const variants: Inventory[] = [
      { ...inv, source: { kind: "directory", name: "/srv/app", transport: "directory" } },
      { ...inv, source: { kind: "host", name: "web-01", transport: "host" }, distro: undefined },
      { ...inv, packages: [], distro: undefined, source: { kind: "image", name: "scratch-image" } },
    ];
    for (const v of variants) expect(await validator.validate(renderCycloneDx(v))).toBeNull();
    const types = variants.map((v) => bomOf(v).metadata.component.type);
    expect(types).toEqual(["file", "application", "container"]);
  });

  it("describes the scanned image as a container with its pkg:oci purl, layers and image id", () => {
    const bom = bomOf(fixture());
    expect(bom.specVersion).toBe("1.6");
    expect(bom.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(bomOf(fixture()).serialNumber).not.toBe(bom.serialNumber);
    expect(bom.metadata.timestamp).toBe("2024-11-05T14:03:27.418Z");
    expect(bom.metadata.tools.components).toEqual([{ type: "application", name: "rampart", version: "0.1.0" }]);
    const subject = bom.metadata.component;
    expect(subject).toMatchObject({ type: "container", name: "docker.io/lab/vuln-app", version: "1.0" });
    expect(subject.purl).toBe(
      "pkg:oci/vuln-app@sha256:4c2f7e1d8a9b3f6e5d0c7a2b1e8f9d3c6a5b4e7f0d1c2b3a4e5f6d7c8b9a0e1f?arch=amd64&repository_url=docker.io%2Flab%2Fvuln-app&tag=1.0",
    );
    expect(subject["bom-ref"]).toBe(subject.purl);
    expect(prop(subject, "rampart:image:id")).toEqual([
      "sha256:089bb39877cf4a6df6da9a0092028158981d286a42257c7fb9f21abc9f21996b",
    ]);
    expect(prop(subject, "rampart:image:layer:6:createdBy")).toEqual(["COPY secrets /"]);
    expect(subject.properties?.filter((p) => /^rampart:image:layer:\d+:diffId$/.test(p.name))).toHaveLength(7);
  });

  it("adds the OS as an operating-system component and every package as a library", () => {
    const inv = fixture();
    const bom = bomOf(inv);
    const os = bom.components.filter((c) => c.type === "operating-system");
    expect(os).toHaveLength(1);
    expect(os[0]).toMatchObject({ name: "debian", version: "11", description: "Debian GNU/Linux 11 (bullseye)" });
    const libs = bom.components.filter((c) => c.type === "library");
    expect(libs.map((c) => c.purl)).toEqual(inv.packages.map((p) => p.purl));
    const refs = bom.components.map((c) => c["bom-ref"]);
    expect(new Set(refs).size).toBe(refs.length);
  });

  it("uses group for maven, npm scope and leaves Go module paths whole", () => {
    const byName = new Map(bomOf(fixture()).components.map((c) => [c.name, c]));
    expect(byName.get("log4j-core")?.group).toBe("org.apache.logging.log4j");
    expect(byName.get("code-frame")?.group).toBe("@babel");
    expect(byName.get("golang.org/x/net")?.group).toBeUndefined();
    expect(byName.get("PyYAML")?.purl).toBe("pkg:pypi/pyyaml@5.1");
  });

  it("writes SPDX ids as ids, free text as names, and rampart properties and occurrences", () => {
    const byName = new Map(bomOf(fixture()).components.map((c) => [c.name, c]));
    const libc = byName.get("libc6") as Component;
    expect(libc.licenses).toEqual([
      { license: { id: "GPL-2.0-only" } },
      { license: { id: "LGPL-2.1-only" } },
      { license: { name: "public-domain" } },
    ]);
    expect(prop(libc, "rampart:package:type")).toEqual(["deb"]);
    expect(prop(libc, "rampart:package:sourceName")).toEqual(["glibc"]);
    expect(prop(libc, "rampart:package:sourceVersion")).toEqual(["2.31-13+deb11u11"]);
    expect(prop(libc, "rampart:package:arch")).toEqual(["amd64"]);
    expect(prop(libc, "rampart:location:0:path")).toEqual(["/var/lib/dpkg/status"]);
    expect(prop(libc, "rampart:location:0:layer")).toEqual([
      "sha256:9d67bb48d40b62581875a5358856a1b63e07da27671c580ac1a9259aa863821e",
    ]);
    const frame = byName.get("code-frame") as Component;
    expect(prop(frame, "rampart:package:foundBy")).toEqual([
      "javascript-package-cataloger",
      "javascript-lock-cataloger",
    ]);
    expect(frame.evidence?.occurrences.map((o) => o.location)).toEqual([
      "/app/node/node_modules/@babel/code-frame/package.json",
      "/app/node/package-lock.json",
    ]);
    const log4j = byName.get("log4j-core") as Component;
    expect(log4j.evidence?.occurrences.map((o) => o.location)).toEqual([
      "/app/java/app.jar!/BOOT-INF/lib/log4j-core-2.14.1.jar",
      "/app/java/lib/log4j-core-2.14.1-FAKE.jar",
    ]);
    expect(prop(log4j, "rampart:location:0:member:0")).toEqual(["BOOT-INF/lib/log4j-core-2.14.1.jar"]);
  });

  it("links the subject to the OS and non-OS packages, and the OS to its packages", () => {
    const bom = bomOf(fixture());
    const [top, os] = bom.dependencies;
    expect(top?.ref).toBe(bom.metadata.component["bom-ref"]);
    expect(top?.dependsOn[0]).toBe("os:debian@11");
    expect(top?.dependsOn.filter((r) => r.startsWith("pkg:deb/"))).toEqual([]);
    expect(top?.dependsOn).toHaveLength(1 + 5);
    expect(os?.ref).toBe("os:debian@11");
    expect(os?.dependsOn.every((r) => r.startsWith("pkg:deb/debian/"))).toBe(true);
    expect(os?.dependsOn).toHaveLength(3);
  });
});

describe("cycloneDxLicenses", () => {
  it("lists ids (case fixed) and names", () => {
    expect(cycloneDxLicenses(["mit", "GPLv3+"])).toEqual([{ license: { id: "MIT" } }, { license: { name: "GPLv3+" } }]);
  });

  it("writes one expression when there are compound expressions and ids only", () => {
    expect(cycloneDxLicenses(["MIT OR Apache-2.0"])).toEqual([{ expression: "MIT OR Apache-2.0" }]);
    expect(cycloneDxLicenses(["MIT OR Apache-2.0", "BSD-3-Clause"])).toEqual([
      { expression: "(MIT OR Apache-2.0) AND BSD-3-Clause" },
    ]);
  });

  it("cannot mix an expression with free text, so lists the expression as a name", () => {
    expect(cycloneDxLicenses(["MIT OR Apache-2.0", "Artistic"])).toEqual([
      { license: { name: "MIT OR Apache-2.0" } },
      { license: { name: "Artistic" } },
    ]);
    expect(cycloneDxLicenses([])).toBeUndefined();
  });

  it("validates with every license shape", async () => {
    const inv = fixture();
    const [first, second, third, ...rest] = inv.packages;
    const mixed: Inventory = {
      ...inv,
      packages: [
        { ...(first as Inventory["packages"][0]), licenses: ["MIT OR Apache-2.0", "BSD-3-Clause"] },
        { ...(second as Inventory["packages"][0]), licenses: ["GPL-2.0+ OR MIT", "Artistic"] },
        { ...(third as Inventory["packages"][0]), licenses: ["Apache-2.0 WITH LLVM-exception"] },
        ...rest,
      ],
    };
    expect(await validator.validate(renderCycloneDx(mixed))).toBeNull();
  });
});
