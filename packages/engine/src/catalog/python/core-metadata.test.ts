import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCoreMetadata } from "./core-metadata.js";

const testdata = (name: string) => readFileSync(join(import.meta.dirname, "testdata", name), "utf8");

describe("core metadata headers", () => {
  it("keeps reading past a metadata 1.x Description whose continuation lines are only spaces", () => {
    // Debian 11's python3-yaml: "Description:" continues over 8-space lines, including "        " ones.
    const headers = parseCoreMetadata(testdata("dist-packages/PyYAML-5.3.1.egg-info"));
    expect(headers.get("description")?.[0]).toMatch(/^YAML is a data serialization format.*persistence\.$/s);
    expect(headers.get("platform")).toEqual(["Any"]);
    expect(headers.get("classifier")).toHaveLength(17);
  });

  it("ends at the blank line before a metadata 2.x body and keeps repeated headers", () => {
    const headers = parseCoreMetadata(testdata("dist-packages/pyparsing-3.0.9.dist-info/METADATA"));
    expect(headers.get("name")).toEqual(["pyparsing"]);
    expect(headers.get("classifier")?.[0]).toBe("Development Status :: 5 - Production/Stable");
    expect(headers.has("license")).toBe(false);
  });
});
