import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { PackageInput } from "../../package/package.js";
import { runCataloger } from "../test-support.js";
import { composerLockCataloger } from "./composer-lock.js";

const parse = (content: Buffer | string, path = "/var/www/composer.lock") =>
  runCataloger(composerLockCataloger, path, content);
const summary = (p: PackageInput) => `${p.namespace}/${p.name}@${p.version}${p.metadata?.dev ? " dev" : ""}`;

describe("composer.lock", () => {
  it("reads packages and packages-dev", () => {
    const { packages, warnings } = parse(readFileSync(join(import.meta.dirname, "testdata", "composer.lock")));
    expect(warnings).toEqual([]);
    expect(packages.map(summary)).toEqual([
      "guzzlehttp/guzzle@7.8.0",
      "monolog/monolog@2.9.1",
      "psr/log@3.0.0",
      "symfony/console@6.3.4",
      "symfony/deprecation-contracts@3.3.0",
      "symfony/polyfill-mbstring@1.28.0",
      "acme/toolkit@dev-main",
      "myclabs/deep-copy@1.11.1 dev",
      "phpunit/phpunit@10.3.5 dev",
      "sebastian/diff@5.0.3 dev",
    ]);
    expect(packages[1]).toEqual({
      type: "composer",
      namespace: "monolog",
      name: "monolog",
      version: "2.9.1",
      licenses: ["MIT"],
      location: { path: "/var/www/composer.lock" },
    });
  });

  it('drops the tag\'s leading "v" and keeps the version as written in metadata', () => {
    const { packages } = parse(readFileSync(join(import.meta.dirname, "testdata", "composer.lock")));
    expect(packages.find((p) => p.name === "console")).toMatchObject({
      version: "6.3.4",
      metadata: { lockedVersion: "v6.3.4" },
    });
    expect(packages.find((p) => p.name === "toolkit")).toMatchObject({ licenses: ["proprietary"] });
    expect(packages.find((p) => p.name === "toolkit")?.metadata).toBeUndefined();
  });

  it("selects the project's lockfile, not ones inside vendor/", () => {
    expect(composerLockCataloger.selector.accept?.("/var/www/composer.lock")).toBe(true);
    expect(composerLockCataloger.selector.accept?.("/var/www/vendor/monolog/monolog/composer.lock")).toBe(false);
  });

  it("skips entries without a vendor/project name or a version", () => {
    const lock = {
      packages: [{ name: "noslash", version: "1.0" }, { name: "a/b" }, "x", { name: "a/c", version: "2.0" }],
    };
    expect(parse(JSON.stringify(lock)).packages.map(summary)).toEqual(["a/c@2.0"]);
  });

  it.each([
    ["not JSON", '{"packages": [', /not valid JSON/],
    ["no packages list", '{"packages": {}}', /no "packages" list/],
  ])("warns and returns nothing for %s", (_, text, reason) => {
    const { packages, warnings } = parse(text, "/bad/composer.lock");
    expect(packages).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(reason)]);
    expect(warnings[0]).toContain("/bad/composer.lock");
  });
});
