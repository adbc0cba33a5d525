import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { PackageInput } from "../../package/package.js";
import { runCataloger } from "../test-support.js";
import { pnpmLockCataloger } from "./pnpm-lock.js";

const testdata = (name: string) => join(import.meta.dirname, "testdata", name);
/** What pnpm resolved for testdata/fixture-package.json, as "name@version". */
const fixtureReleases: string[] = JSON.parse(readFileSync(testdata("fixture-releases.json"), "utf8"));
const release = (p: PackageInput) => `${p.namespace ? `${p.namespace}/` : ""}${p.name}@${p.version}`;

const parseText = (text: string | Buffer, path = "/app/pnpm-lock.yaml") => runCataloger(pnpmLockCataloger, path, text);

describe("pnpm-lock.yaml", () => {
  it.each([
    ["5.4 (pnpm 7)", "pnpm-lock-v5.yaml"],
    ["6.0 (pnpm 8)", "pnpm-lock-v6.yaml"],
    ["9.0 (pnpm 9)", "pnpm-lock-v9.yaml"],
  ])("reads every resolved release of a %s lockfile", (_, name) => {
    const { packages, warnings } = parseText(readFileSync(testdata(name)));
    expect(warnings).toEqual([]);
    // react-dom is keyed with its peer suffix ("_react@18.2.0" / "(react@18.2.0)"): gone from the version.
    expect(packages.map(release).sort()).toEqual(fixtureReleases);
    for (const p of packages) expect(p.location).toEqual({ path: "/app/pnpm-lock.yaml" });
    expect(packages.find((p) => p.name === "code-frame")).toMatchObject({ namespace: "@babel", version: "7.22.13" });
  });

  it.each([
    ["5.4", "pnpm-lock-v5.yaml"],
    ["6.0", "pnpm-lock-v6.yaml"],
  ])("marks dev-only packages of a %s lockfile", (_, name) => {
    const { packages } = parseText(readFileSync(testdata(name)));
    expect(packages.find((p) => release(p) === "ms@2.1.3")?.metadata).toEqual({ dev: true });
    expect(packages.find((p) => release(p) === "ms@2.0.0")?.metadata).toBeUndefined();
  });

  it("uses the name and version a non-registry entry carries, and skips local ones", () => {
    const lock = `lockfileVersion: '6.0'
packages:
  github.com/user/repo/0123456789abcdef:
    resolution: {tarball: https://codeload.github.com/user/repo/tar.gz/0123456789abcdef}
    name: repo
    version: 2.0.1
    dev: false
  file:packages/local:
    resolution: {directory: packages/local, type: directory}
    name: local
    version: file:packages/local
`;
    const { packages, warnings } = parseText(lock);
    expect(warnings).toEqual([]);
    expect(packages.map(release)).toEqual(["repo@2.0.1"]);
  });

  it("returns nothing for a lockfile without packages", () => {
    expect(parseText("lockfileVersion: '9.0'\nimporters:\n  .: {}\n")).toEqual({ packages: [], warnings: [] });
  });

  it.each([
    ["not YAML", "lockfileVersion: '9.0'\npackages:\n  a: [\n", /not valid YAML/],
    ["a YAML list", "- a\n- b\n", /expected a YAML mapping/],
    ["no lockfileVersion", "packages:\n  /a/1.0.0: {}\n", /no lockfileVersion/],
    ["packages as a list", "lockfileVersion: 5.4\npackages:\n  - /a/1.0.0\n", /"packages" is not a mapping/],
  ])("warns and returns nothing for %s", (_, text, reason) => {
    const { packages, warnings } = parseText(text, "/bad/pnpm-lock.yaml");
    expect(packages).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(reason)]);
    expect(warnings[0]).toContain("/bad/pnpm-lock.yaml");
  });
});
