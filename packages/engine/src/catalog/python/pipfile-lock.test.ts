import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCataloger } from "../test-support.js";
import { pipfileLockCataloger } from "./pipfile-lock.js";

const parse = (content: Buffer | string, path = "/app/Pipfile.lock") =>
  runCataloger(pipfileLockCataloger, path, content);

describe("Pipfile.lock", () => {
  it("reads default and develop pins, marking develop-only ones, skipping editable and VCS entries", () => {
    const { packages, warnings } = parse(readFileSync(join(import.meta.dirname, "testdata", "Pipfile.lock")));
    expect(warnings).toEqual([]);
    expect(packages.map((p) => `${p.name}@${p.version}${p.metadata?.dev ? " dev" : ""}`)).toEqual([
      "certifi@2024.8.30",
      "django@5.1.3",
      "sqlparse@0.5.2",
      "iniconfig@2.0.0 dev",
      "pytest@8.3.3 dev",
    ]);
    expect(packages[1]).toEqual({
      type: "pypi",
      name: "django",
      version: "5.1.3",
      location: { path: "/app/Pipfile.lock" },
    });
  });

  it.each([
    ["not JSON", '{"default": {', /not valid JSON/],
    ["no sections", '{"_meta": {}}', /neither "default" nor "develop"/],
    ["an array", "[]", /neither "default" nor "develop"/],
  ])("warns and returns nothing for %s", (_, text, reason) => {
    const { packages, warnings } = parse(text, "/bad/Pipfile.lock");
    expect(packages).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(reason)]);
    expect(warnings[0]).toContain("/bad/Pipfile.lock");
  });
});
