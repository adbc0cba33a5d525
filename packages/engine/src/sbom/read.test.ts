import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { detectSbomFormat, parseSbom, readSbomFile } from "./read.js";
import { SbomError } from "./sbom-error.js";

const testdata = (name: string) => new URL(`./testdata/${name}`, import.meta.url).pathname;

describe("detectSbomFormat", () => {
  it("tells CycloneDX from SPDX by their markers", () => {
    expect(detectSbomFormat({ bomFormat: "CycloneDX", specVersion: "1.6" })).toBe("cyclonedx");
    expect(detectSbomFormat({ spdxVersion: "SPDX-2.2" })).toBe("spdx");
  });

  it.each([
    [[1, 2], /the JSON document is an array/],
    ["CycloneDX", /the JSON document is a string/],
    [null, /the JSON document is null/],
    [{ bomFormat: "SWID" }, /bomFormat is "SWID"/],
    [{ "@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld" }, /SPDX 3 JSON-LD is not supported/],
    [{ name: "package.json" }, /neither bomFormat "CycloneDX" nor an spdxVersion/],
  ])("rejects %j", (doc, message) => {
    expect(() => detectSbomFormat(doc)).toThrow(SbomError);
    expect(() => detectSbomFormat(doc)).toThrow(message);
  });
});

describe("parseSbom", () => {
  it.each([
    ["", /not valid JSON/],
    ["{ not json", /not valid JSON/],
    ['<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.6"/>', /XML SBOMs are not supported/],
    ["SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n", /SPDX tag-value is not supported/],
    ["[".repeat(200_000) + "]".repeat(200_000), /the JSON document is an array/],
  ])("rejects %j with an SbomError", (text, message) => {
    expect(() => parseSbom(text)).toThrow(SbomError);
    expect(() => parseSbom(text)).toThrow(message);
  });

  it("reads bytes with a UTF-8 byte order mark", () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(testdata("syft-app.cdx.json"))]);
    expect(parseSbom(bytes).packages).toHaveLength(8);
  });
});

describe("readSbomFile", () => {
  it("reads a file and names the SBOM after it", async () => {
    const path = testdata("trivy-vuln-app.spdx.json");
    const inv = await readSbomFile(path, { toolVersion: "9.9.9" });
    expect(inv.source.name).toBe(path);
    expect(inv.tool.version).toBe("9.9.9");
    expect(inv.packages.length).toBeGreaterThan(0);
  });

  it("refuses a file over the size limit before reading it", async () => {
    const path = testdata("syft-app.cdx.json");
    await expect(readSbomFile(path, { maxBytes: 1000 })).rejects.toThrow(
      /syft-app\.cdx\.json is \d+ bytes, more than the 1000-byte limit for SBOMs/,
    );
  });

  it("turns missing files and directories into SbomErrors", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rampart-sbom-"));
    await expect(readSbomFile(join(dir, "missing.json"))).rejects.toThrow(SbomError);
    await expect(readSbomFile(join(dir, "missing.json"))).rejects.toThrow(/cannot read .*missing\.json: ENOENT/);
    await expect(readSbomFile(dir)).rejects.toThrow(/is not a regular file/);
    const bad = join(dir, "bad.json");
    writeFileSync(bad, '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": 5}');
    await expect(readSbomFile(bad)).rejects.toThrow(/components must be an array, but it is a number/);
  });
});
