import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { PackageInput } from "../../package/package.js";
import { runCataloger } from "../test-support.js";
import { poetryLockCataloger } from "./poetry-lock.js";

const parse = (content: Buffer | string, path = "/app/poetry.lock") => runCataloger(poetryLockCataloger, path, content);
const testdata = (name: string) => readFileSync(join(import.meta.dirname, "testdata", name));
const summary = (p: PackageInput) => `${p.name}@${p.version}${p.metadata?.dev ? " dev" : ""}`;

describe("poetry.lock", () => {
  it("reads a Poetry 1.x lockfile (lock-version 1.1, category = dev), leaving out path dependencies", () => {
    const { packages, warnings } = parse(testdata("poetry-1.x.lock"));
    expect(warnings).toEqual([]);
    expect(packages.map(summary)).toEqual([
      "certifi@2023.5.7",
      "charset-normalizer@3.1.0",
      "idna@3.4",
      "iniconfig@2.0.0 dev",
      "packaging@23.1 dev",
      "pluggy@1.0.0 dev",
      "pytest@7.3.1 dev",
      "requests@2.31.0",
      "urllib3@2.0.2",
    ]);
    for (const p of packages) expect(p).toMatchObject({ type: "pypi", location: { path: "/app/poetry.lock" } });
  });

  it("reads a Poetry 2.x lockfile (lock-version 2.1, groups)", () => {
    const { packages, warnings } = parse(testdata("poetry-2.x.lock"));
    expect(warnings).toEqual([]);
    expect(packages.map(summary)).toEqual([
      "certifi@2025.1.31",
      "colorama@0.4.6 dev",
      "flask@3.1.0",
      "jinja2@3.1.5",
      "pytest@8.3.4 dev",
      "werkzeug@3.1.3",
    ]);
  });

  it.each([
    ["not TOML", '[[package]]\nname = "a\n', /not valid TOML/],
    ["no packages", '[metadata]\nlock-version = "2.0"\n', /no \[\[package\]\] tables/],
  ])("warns and returns nothing for %s", (_, text, reason) => {
    const { packages, warnings } = parse(text, "/bad/poetry.lock");
    expect(packages).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(reason)]);
    expect(warnings[0]).toContain("/bad/poetry.lock");
  });
});
