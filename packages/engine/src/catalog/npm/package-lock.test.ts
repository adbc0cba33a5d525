import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { testdata as labDir } from "../../../../../test/fixtures/testdata.js";
import type { PackageInput } from "../../package/package.js";
import { catalogDir, runCataloger } from "../test-support.js";
import { packageLockCataloger } from "./package-lock.js";

const testdata = (name: string) => join(import.meta.dirname, "testdata", name);
/** What npm, yarn and pnpm resolved for testdata/fixture-package.json, as "name@version". */
const fixtureReleases: string[] = JSON.parse(readFileSync(testdata("fixture-releases.json"), "utf8"));
const release = (p: PackageInput) => `${p.namespace ? `${p.namespace}/` : ""}${p.name}@${p.version}`;

const parse = (name: string, path = "/app/package-lock.json") =>
  runCataloger(packageLockCataloger, path, readFileSync(testdata(name)));

describe("package-lock.json", () => {
  it.each([
    ["v1 (npm 6, nested dependencies)", "package-lock-v1.json"],
    ["v2 (npm 7+, packages and dependencies)", "package-lock-v2.json"],
    ["v3 with a workspace", "package-lock-v3-workspace.json"],
  ])("reads every installed release of a %s lockfile", (_, name) => {
    const { packages, warnings } = parse(name);
    expect(warnings).toEqual([]);
    expect(packages.map(release).sort()).toEqual(fixtureReleases);
    for (const p of packages) {
      expect(p.type).toBe("npm");
      expect(p.location).toEqual({ path: "/app/package-lock.json" });
    }
    const find = (n: string, v: string) => packages.find((p) => p.name === n && p.version === v);
    expect(find("code-frame", "7.22.13")?.namespace).toBe("@babel");
    expect(find("ms", "2.1.3")?.metadata).toEqual({ dev: true });
    expect(find("ms", "2.0.0")?.metadata).toBeUndefined();
    // "my-lodash": "npm:lodash@4.17.21" is lodash under another folder name.
    expect(find("lodash", "4.17.21")?.metadata).toEqual({ alias: "my-lodash" });
    expect(packages.some((p) => p.name === "local-lib" || p.name === "rampart-lock-fixture")).toBe(false);
  });

  it("keeps the licenses npm 9+ records in v2/v3 lockfiles", () => {
    const { packages } = parse("package-lock-v2.json");
    expect(packages.find((p) => p.name === "picocolors")?.licenses).toEqual(["ISC"]);
    expect(packages.find((p) => p.name === "react")?.licenses).toEqual(["MIT"]);
  });

  it("selects project lockfiles, not ones shipped inside installed packages", () => {
    const s = packageLockCataloger.selector;
    expect(s.basenames).toContain("package-lock.json");
    expect(s.accept?.("/app/package-lock.json")).toBe(true);
    expect(s.accept?.("/app/node_modules/foo/package-lock.json")).toBe(false);
  });

  it.each([
    ["not JSON", '{ "lockfileVersion": 3, ', /not valid JSON/],
    ["a JSON array", "[1, 2]", /expected a JSON object/],
    ["without packages", '{ "lockfileVersion": 3 }', /neither "packages" nor "dependencies"/],
  ])("warns and returns nothing for %s", (_, text, reason) => {
    const { packages: out, warnings } = runCataloger(packageLockCataloger, "/bad/package-lock.json", text);
    expect(out).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(reason);
    expect(warnings[0]).toContain("/bad/package-lock.json");
  });

  it("skips entries it cannot use without failing the rest", () => {
    const lock = {
      lockfileVersion: 3,
      packages: {
        "": { name: "root", version: "1.0.0" },
        "node_modules/no-version": {},
        "node_modules/not-an-object": 7,
        "node_modules/ok": { version: "1.2.3" },
      },
    };
    const out = runCataloger(packageLockCataloger, "/p/package-lock.json", JSON.stringify(lock)).packages;
    expect(out.map(release)).toEqual(["ok@1.2.3"]);
  });

  it("catalogs the lab node app's lockfile", async () => {
    const { packages, warnings } = await catalogDir(labDir("layers/node"), [packageLockCataloger]);
    expect(warnings).toEqual([]);
    expect(new Set(packages.map((p) => p.location.path))).toEqual(new Set(["/app/node/package-lock.json"]));
    const releases = packages.map(release);
    for (const r of ["lodash@4.17.15", "minimist@1.2.0", "express@4.16.0", "jquery@3.4.0", "handlebars@4.0.11"]) {
      expect(releases).toContain(r);
    }
    // Nested installs ("node_modules/optimist/node_modules/minimist") are releases of their own.
    expect(releases).toContain("minimist@0.0.10");
    expect(packages).toHaveLength(78);
  });
});
