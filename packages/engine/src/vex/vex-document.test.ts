import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SuppressionFileError } from "./suppression-error.js";
import { loadVex, parseVex } from "./vex-document.js";

const data = (name: string) => fileURLToPath(new URL(`./testdata/${name}`, import.meta.url));

describe("OpenVEX v0.2.0", () => {
  const file = data("openvex/vuln-app.openvex.json");
  const statements = loadVex(file);

  it("reads every statement with its vulnerability, aliases, status and timestamp", () => {
    expect(statements.map((s) => [s.vulnerability, s.status, s.suppresses])).toEqual([
      ["CVE-2021-23337", "not_affected", true],
      ["GHSA-6757-jp84-gxfx", "not_affected", true],
      ["CVE-2021-44228", "under_investigation", false],
      ["CVE-2023-0286", "fixed", true],
      ["CVE-2023-0286", "affected", false],
      ["CVE-2022-42889", "not_affected", true],
    ]);
    expect(statements[0]).toMatchObject({
      file,
      format: "openvex",
      index: 0,
      aliases: ["GHSA-35jh-r3h4-6jhm"],
      justification: "vulnerable_code_not_in_execute_path",
      impactStatement: "The app never calls _.template with user input.",
      timestamp: "2026-08-01T10:00:00Z",
    });
  });

  it("keeps products and their subcomponents with the purls they are", () => {
    const [product] = statements[0]?.products ?? [];
    expect(product?.purl).toMatch(/^pkg:oci\/vuln-app@sha256%3A4c2f/);
    expect(product?.subcomponents).toEqual([{ id: "pkg:npm/lodash@4.17.15", purl: "pkg:npm/lodash@4.17.15" }]);
    expect(statements[1]?.products).toEqual([
      { id: "pkg:pypi/PyYAML@5.1", purl: "pkg:pypi/PyYAML@5.1", subcomponents: [] },
    ]);
  });

  it("rejects a status OpenVEX does not define, naming the statement", () => {
    expect(() => loadVex(data("openvex/bad-status.openvex.json"))).toThrow(
      /bad-status\.openvex\.json: statements\[1\] \(CVE-2020-11023\): status "wontfix" is not one of not_affected, affected, fixed, under_investigation/,
    );
  });

  it("rejects statements without a vulnerability or products", () => {
    const doc = (statement: unknown) =>
      JSON.stringify({ "@context": "https://openvex.dev/ns/v0.2.0", statements: [statement] });
    expect(() => parseVex(doc({ products: ["pkg:npm/a@1"], status: "fixed" }), "v.json")).toThrow(
      "v.json: statements[0] names no vulnerability",
    );
    expect(() => parseVex(doc({ vulnerability: { name: "CVE-1" }, status: "fixed" }), "v.json")).toThrow(
      "v.json: statements[0] (CVE-1) names no products",
    );
  });
});

describe("OpenVEX v0.0.1 shapes", () => {
  const statements = loadVex(data("openvex/v001.openvex.json"));

  it("reads bare-string vulnerabilities and products, and the document's timestamp", () => {
    expect(statements.map((s) => s.vulnerability)).toEqual(["CVE-2023-39325", "CVE-2011-3374", "CVE-2020-11023"]);
    expect(statements[0]?.products).toEqual([
      { id: "pkg:golang/golang.org/x/net@0.7.0", purl: "pkg:golang/golang.org/x/net@0.7.0", subcomponents: [] },
    ]);
    expect(statements[0]?.timestamp).toBe("2023-01-08T18:02:03.647787998-06:00");
  });

  it("takes the purl out of a BOM-Link whose bom-ref is one, and leaves others without a purl", () => {
    expect(statements[1]?.products[0]?.purl).toBe("pkg:deb/debian/apt@2.2.4?distro=debian-11");
    expect(statements[2]?.products[0]).toEqual({
      id: "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#jquery-3.4.0",
      subcomponents: [],
    });
  });
});

describe("CycloneDX VEX", () => {
  const file = data("cyclonedx/vuln-app.vex.cdx.json");
  const statements = loadVex(file);

  it("reads the vulnerabilities that have an analysis, and only those", () => {
    expect(statements.map((s) => [s.index, s.vulnerability, s.status, s.suppresses])).toEqual([
      [0, "CVE-2020-11023", "false_positive", true],
      [1, "GHSA-jfh8-c2jp-5v3q", "exploitable", false],
      [2, "CVE-2023-39325", "resolved", true],
    ]);
    expect(statements[0]).toMatchObject({
      format: "cyclonedx",
      aliases: ["GHSA-jpcq-cgw6-v4j6"],
      impactStatement: "jquery.min.js is only served by the admin UI, which this image does not run.",
      timestamp: "2026-08-05T08:00:00Z",
    });
    // No analysis date: the document's.
    expect(statements[2]?.timestamp).toBe("2026-08-05T08:00:00Z");
  });

  it("resolves affects refs through bom-refs and BOM-Links; listed versions narrow a versionless purl", () => {
    expect(statements[0]?.products.map((p) => p.purl)).toEqual(["pkg:npm/jquery@3.4.0"]);
    expect(statements[1]?.products.map((p) => p.purl)).toEqual([
      "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
    ]);
    expect(statements[2]?.products.map((p) => p.purl)).toEqual(["pkg:golang/golang.org/x/net@v0.7.0"]);
  });

  it("refuses version ranges rather than guessing", () => {
    expect(() => loadVex(data("cyclonedx/range.vex.cdx.json"))).toThrow(
      /vulnerabilities\[0\]\.affects\[0\]\.versions\[0\] \(CVE-2021-23337\): version ranges are not supported/,
    );
  });

  it("rejects a state CycloneDX does not define", () => {
    expect(() => loadVex(data("cyclonedx/bad-state.vex.cdx.json"))).toThrow(
      /vulnerabilities\[0\] \(CVE-2021-23337\): analysis\.state "not_exploitable" is not one of/,
    );
  });

  it("says a BOM with no analysis is not a VEX document", () => {
    expect(() => loadVex(data("cyclonedx/sbom-only.cdx.json"))).toThrow(
      /sbom-only\.cdx\.json: no vulnerability has an analysis\.state: not a CycloneDX VEX document/,
    );
  });
});

describe("unknown documents", () => {
  it.each([
    ["other/spdx.json", /spdx\.json: not an OpenVEX or CycloneDX VEX document$/],
    ["other/csaf-vex.json", /not an OpenVEX or CycloneDX VEX document \(CSAF VEX is not supported\)/],
    ["ignore/rampart-ignore.yaml", /not an OpenVEX or CycloneDX VEX document \(not JSON/],
  ])("%s is refused with a clear error", (name, message) => {
    expect(() => loadVex(data(name))).toThrow(message);
  });

  it("refuses XML and says what to use instead", () => {
    const xml = readFileSync(data("openvex/v001.openvex.json"), "utf8").replace(/^/, "<?xml version='1.0'?>");
    expect(() => parseVex(xml, "vex.xml")).toThrow("vex.xml: XML VEX documents are not supported");
  });

  it("names the file it cannot read", () => {
    let error: unknown;
    try {
      loadVex("/nonexistent/vex.json");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SuppressionFileError);
    expect((error as Error).message).toMatch(/^\/nonexistent\/vex\.json: cannot read VEX document/);
  });
});
