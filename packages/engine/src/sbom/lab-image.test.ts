import { Spec, Validation } from "@cyclonedx/cyclonedx-library";
import parseSpdxExpression from "spdx-expression-parse";
import { beforeAll, describe, expect, it } from "vitest";
import { inventoryOf } from "../../../../test/fixtures/scan.js";
import { testdata } from "../../../../test/fixtures/testdata.js";
import { renderCycloneDx } from "./cyclonedx.js";
import type { Inventory } from "./inventory.js";
import { readSbom } from "./read.js";
import { renderSpdx } from "./spdx.js";
import { essentials, validateSpdx } from "./test-support.js";

let inv: Inventory;
beforeAll(async () => {
  inv = await inventoryOf(testdata("images/vuln-app-1.0.docker.tar"));
});

describe("SBOMs of the vuln-app image", () => {
  it("catalogs enough of the image to be a real test", () => {
    expect(inv.packages.length).toBeGreaterThan(200);
    const types = new Set(inv.packages.map((p) => p.type));
    expect(types.has("deb")).toBe(true);
    expect(types.size).toBeGreaterThanOrEqual(3);
  });

  it("writes CycloneDX that validates against the 1.6 schema and reads back the same", async () => {
    const text = renderCycloneDx(inv);
    expect(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(text)).toBeNull();
    const back = readSbom(text, "vuln-app.cdx.json");
    expect(back.packages.map(essentials)).toEqual(inv.packages.map(essentials));
    expect(back.distro).toEqual(inv.distro);
  });

  it("writes SPDX that validates against the 2.3 schema and reads back the same", () => {
    const text = renderSpdx(inv);
    const doc = JSON.parse(text) as { packages: Array<{ licenseDeclared: string }> };
    expect(validateSpdx(doc) ? [] : validateSpdx.errors).toEqual([]);
    for (const p of doc.packages) {
      if (p.licenseDeclared !== "NOASSERTION") expect(() => parseSpdxExpression(p.licenseDeclared)).not.toThrow();
    }
    const back = readSbom(text, "vuln-app.spdx.json");
    expect(back.packages.map(essentials)).toEqual(inv.packages.map(essentials));
    expect(back.distro).toEqual(inv.distro);
  });
});
