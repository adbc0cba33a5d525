import { describe, expect, it } from "vitest";
import { formatInventory, SBOM_FORMATS, type SbomFormat } from "./format.js";
import { readSbom } from "./read.js";
import { fixture } from "./test-support.js";

describe("formatInventory", () => {
  it("renders every format", () => {
    const inv = fixture();
    const out = Object.fromEntries(SBOM_FORMATS.map((f) => [f, formatInventory(inv, f)]));
    expect(JSON.parse(out.cyclonedx as string)).toMatchObject({ bomFormat: "CycloneDX", specVersion: "1.6" });
    expect(JSON.parse(out.spdx as string)).toMatchObject({ spdxVersion: "SPDX-2.3" });
    expect(JSON.parse(out.json as string)).toEqual(inv);
    expect(out.table).toMatch(/^NAME\s+VERSION\s+TYPE\s+SOURCE\n/);
  });

  it("writes SBOMs that read back to the same packages", () => {
    const inv = fixture();
    for (const f of ["cyclonedx", "spdx"] as const) {
      const back = readSbom(formatInventory(inv, f), `vuln-app.${f}.json`);
      expect(back.source.name).toBe(`vuln-app.${f}.json`);
      expect(back.packages.map((p) => p.purl)).toEqual(inv.packages.map((p) => p.purl));
    }
  });

  it("rejects an unknown format", () => {
    expect(() => formatInventory(fixture(), "xml" as SbomFormat)).toThrow(/unknown SBOM format "xml"/);
  });
});
