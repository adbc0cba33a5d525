import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCataloger } from "../test-support.js";
import { uvLockCataloger } from "./uv-lock.js";

const parse = (content: Buffer | string, path = "/app/uv.lock") => runCataloger(uvLockCataloger, path, content);

describe("uv.lock", () => {
  it("reads locked packages, leaving out the project and its editable and virtual members", () => {
    const { packages, warnings } = parse(readFileSync(join(import.meta.dirname, "testdata", "uv.lock")));
    expect(warnings).toEqual([]);
    expect(packages.map((p) => `${p.name}@${p.version}`)).toEqual([
      "certifi@2024.12.14",
      "idna@3.10",
      "pytest@8.3.4",
      "requests@2.32.3",
    ]);
    expect(packages[0]).toEqual({
      type: "pypi",
      name: "certifi",
      version: "2024.12.14",
      location: { path: "/app/uv.lock" },
    });
  });

  it.each([
    ["not TOML", "version = 1\n[[package]\n", /not valid TOML/],
    ["no packages", 'version = 1\nrequires-python = ">=3.12"\n', /no \[\[package\]\] tables/],
  ])("warns and returns nothing for %s", (_, text, reason) => {
    const { packages, warnings } = parse(text, "/bad/uv.lock");
    expect(packages).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(reason)]);
    expect(warnings[0]).toContain("/bad/uv.lock");
  });
});
