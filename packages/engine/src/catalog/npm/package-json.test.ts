import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { testdata as labDir } from "../../../../../test/fixtures/testdata.js";
import type { PackageInput } from "../../package/package.js";
import { catalogDir, runCataloger } from "../test-support.js";
import { packageJsonCataloger } from "./package-json.js";
import { packageLockCataloger } from "./package-lock.js";

/**
 * testdata/installed/<folder>/package.json are real manifests from a yarn install and from the lab app
 * (stored outside a "node_modules" folder, which git ignores); the test places them back under one.
 */
function parseInstalled(folder: string) {
  const content = readFileSync(join(import.meta.dirname, "testdata", "installed", folder, "package.json"));
  const path = `/app/node_modules/${folder}/package.json`;
  return { ...runCataloger(packageJsonCataloger, path, content), path };
}

describe("installed package.json", () => {
  it("reads name, version and license", () => {
    const { packages, warnings, path } = parseInstalled("lodash");
    expect(warnings).toEqual([]);
    expect(packages).toEqual([
      { type: "npm", name: "lodash", version: "4.17.15", licenses: ["MIT"], location: { path } },
    ]);
  });

  it("splits scoped names and reads nested installs", () => {
    expect(parseInstalled("@babel/code-frame").packages[0]).toMatchObject({
      namespace: "@babel",
      name: "code-frame",
      version: "7.22.13",
    });
    expect(parseInstalled("debug/node_modules/ms").packages[0]).toMatchObject({ name: "ms", version: "2.0.0" });
  });

  it("names an aliased install by the real package and keeps the folder name", () => {
    expect(parseInstalled("my-lodash").packages[0]).toMatchObject({
      name: "lodash",
      version: "4.17.21",
      metadata: { alias: "my-lodash" },
    });
  });

  it("understands the legacy license object and licenses array", () => {
    expect(parseInstalled("longest").packages[0]?.licenses).toEqual(["MIT"]);
    expect(parseInstalled("window-size").packages[0]?.licenses).toEqual(["MIT"]);
  });

  it.each([
    ["/app/node_modules/lodash/package.json", true],
    ["/app/node_modules/@babel/code-frame/package.json", true],
    ["/app/node_modules/debug/node_modules/ms/package.json", true],
    ["/app/node_modules/.pnpm/lodash@4.17.15/node_modules/lodash/package.json", true],
    ["/app/package.json", false],
    ["/app/node_modules/lodash/fp/package.json", false],
    ["/app/node_modules/resolve/test/resolver/baz/package.json", false],
    ["/app/node_modules/@babel/package.json", false],
    ["/app/node_modules/.bin/package.json", false],
    ["/src/test/fixtures/foo/package.json", false],
  ])("selects %s: %s", (path, wanted) => {
    expect(packageJsonCataloger.selector.accept?.(path)).toBe(wanted);
  });

  it.each([
    ["not JSON", "{", /not valid JSON/],
    ["a JSON string", '"x"', /expected a JSON object/],
    ["no version", '{ "name": "x" }', /no name or version/],
  ])("warns and returns nothing for %s", (_, text, reason) => {
    const path = "/app/node_modules/x/package.json";
    const { packages: out, warnings } = runCataloger(packageJsonCataloger, path, text);
    expect(out).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(reason)]);
    expect(warnings[0]).toContain(path);
  });

  it("finds every installed package of the lab node app, agreeing with its lockfile", async () => {
    const dir = labDir("layers/node");
    const installed = await catalogDir(dir, [packageJsonCataloger]);
    const locked = await catalogDir(dir, [packageLockCataloger]);
    expect(installed.warnings).toEqual([]);
    expect(installed.packages).toHaveLength(78);
    const key = (p: PackageInput) => `${p.name}@${p.version}`;
    expect(new Set(installed.packages.map(key))).toEqual(new Set(locked.packages.map(key)));
    expect(installed.packages.find((p) => p.name === "express")).toMatchObject({
      version: "4.16.0",
      licenses: ["MIT"],
      location: { path: "/app/node/node_modules/express/package.json" },
    });
  });
});
