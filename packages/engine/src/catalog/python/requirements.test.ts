import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { testdata as labDir } from "../../../../../test/fixtures/testdata.js";
import { SelectorIndex } from "../selectors.js";
import { runCataloger } from "../test-support.js";
import { requirementsCataloger } from "./requirements.js";

const parse = (content: Buffer, path = "/app/requirements.txt") => runCataloger(requirementsCataloger, path, content);

describe("requirements.txt", () => {
  it("reads exact pins, with hashes, extras, markers and comments; skips everything else", () => {
    const { packages, warnings } = parse(readFileSync(join(import.meta.dirname, "testdata", "requirements.txt")));
    expect(warnings).toEqual([]);
    expect(packages.map((p) => `${p.name}@${p.version}`)).toEqual([
      "certifi@2024.8.30",
      "charset-normalizer@3.4.0",
      "Django@4.2.16",
      "idna@3.10",
      "requests@2.32.3",
      "urllib3@2.2.3",
      "zope.interface@7.1.1",
    ]);
    expect(packages[0]).toEqual({
      type: "pypi",
      name: "certifi",
      version: "2024.8.30",
      location: { path: "/app/requirements.txt" },
    });
  });

  it.each([
    ["/app/requirements.txt", true],
    ["/app/requirements-dev.txt", true],
    ["/app/dev-requirements.txt", true],
    ["/app/requirements/base.txt", false],
    ["/app/requirements.in", false],
  ])("selects %s: %s", (path, wanted) => {
    expect(new SelectorIndex([requirementsCataloger]).byPath(path).length > 0).toBe(wanted);
  });

  it("warns and returns nothing for binary content", () => {
    const { packages, warnings } = parse(Buffer.from([0xff, 0xfe, 0x00, 0x61]), "/bad/requirements.txt");
    expect(packages).toEqual([]);
    expect(warnings).toEqual(["/bad/requirements.txt: not a text file; skipped"]);
  });

  it("reads the lab app's requirements", () => {
    const path = join(labDir("layers/pyfake"), "app/python/requirements.txt");
    expect(parse(readFileSync(path)).packages.map((p) => `${p.name}@${p.version}`)).toEqual([
      "Django@2.2.0",
      "Flask@0.12.2",
      "PyYAML@5.1",
      "requests@2.19.1",
      "urllib3@1.24.1",
      "Jinja2@2.10",
    ]);
  });
});
