import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { PackageInput } from "../../package/package.js";
import { runCataloger } from "../test-support.js";
import { yarnLockCataloger } from "./yarn-lock.js";

const testdata = (name: string) => join(import.meta.dirname, "testdata", name);
/** What yarn resolved for testdata/fixture-package.json, as "name@version". */
const fixtureReleases: string[] = JSON.parse(readFileSync(testdata("fixture-releases.json"), "utf8"));
const release = (p: PackageInput) => `${p.namespace ? `${p.namespace}/` : ""}${p.name}@${p.version}`;

const parseText = (text: string | Buffer, path = "/app/yarn.lock") => runCataloger(yarnLockCataloger, path, text);

describe("yarn.lock", () => {
  it.each([
    ["classic v1 (yarn 1)", "yarn-v1.lock"],
    ["berry (yarn 4)", "yarn-berry.lock"],
  ])("reads every resolved release of a %s lockfile", (_, name) => {
    const { packages, warnings } = parseText(readFileSync(testdata(name)));
    expect(warnings).toEqual([]);
    expect(packages.map(release).sort()).toEqual(fixtureReleases);
    for (const p of packages) expect(p.location).toEqual({ path: "/app/yarn.lock" });
    expect(packages.find((p) => p.name === "code-frame")).toMatchObject({ namespace: "@babel", version: "7.22.13" });
    // The berry project itself ("rampart-lock-fixture@workspace:.") is not a dependency.
    expect(packages.some((p) => p.name === "rampart-lock-fixture")).toBe(false);
  });

  it("names a classic alias by the real package", () => {
    const { packages } = parseText(readFileSync(testdata("yarn-v1.lock")));
    expect(packages.find((p) => p.version === "4.17.21")).toMatchObject({
      name: "lodash",
      metadata: { alias: "my-lodash" },
    });
  });

  it("skips berry workspaces, links, portals and patches of them, keeps patched registry packages", () => {
    const lock = `__metadata:
  version: 8
  cacheKey: 10c0

"app@workspace:.":
  version: 0.0.0-use.local
  resolution: "app@workspace:."
  languageName: unknown
  linkType: soft

"lib@link:./lib::locator=app%40workspace%3A.":
  version: 0.0.0-use.local
  resolution: "lib@link:./lib::locator=app%40workspace%3A."
  languageName: node
  linkType: soft

"tool@portal:./tool::locator=app%40workspace%3A.":
  version: 0.0.0-use.local
  resolution: "tool@portal:./tool::locator=app%40workspace%3A."
  languageName: node
  linkType: soft

"pkg@patch:pkg@workspace%3Apackages/pkg#./fix.patch::locator=app%40workspace%3A.":
  version: 0.0.0-use.local
  resolution: "pkg@patch:pkg@workspace%3Apackages/pkg#./fix.patch::version=1.0.0&hash=abc&locator=app%40workspace%3A."
  languageName: unknown
  linkType: soft

"resolve@patch:resolve@npm%3A^1.20.0#optional!builtin<compat/resolve>":
  version: 1.22.8
  resolution: "resolve@patch:resolve@npm%3A1.22.8#optional!builtin<compat/resolve>::version=1.22.8&hash=c3c19d"
  languageName: node
  linkType: hard
`;
    const { packages, warnings } = parseText(lock);
    expect(warnings).toEqual([]);
    expect(packages.map(release)).toEqual(["resolve@1.22.8"]);
  });

  it("selects project lockfiles, not ones shipped inside installed packages", () => {
    expect(yarnLockCataloger.selector.basenames).toContain("yarn.lock");
    expect(yarnLockCataloger.selector.accept?.("/app/yarn.lock")).toBe(true);
    expect(yarnLockCataloger.selector.accept?.("/app/node_modules/x/yarn.lock")).toBe(false);
  });

  it.each([
    ["broken indentation", 'lodash@^4:\n  version "4.17.21"\n resolved: [\n'],
    ["a bare string", "just some text"],
  ])("warns and returns nothing for %s", (_, text) => {
    const { packages, warnings } = parseText(text, "/bad/yarn.lock");
    expect(packages).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(/^\/bad\/yarn\.lock: not a valid yarn\.lock: /)]);
  });
});
