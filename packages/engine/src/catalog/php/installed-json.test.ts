import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { PackageInput } from "../../package/package.js";
import { runCataloger } from "../test-support.js";
import { installedJsonCataloger } from "./installed-json.js";

const path = "/var/www/vendor/composer/installed.json";
const parse = (content: Buffer | string, at = path) => runCataloger(installedJsonCataloger, at, content);
const testdata = (name: string) => readFileSync(join(import.meta.dirname, "testdata", name));
const summary = (p: PackageInput) => `${p.namespace}/${p.name}@${p.version}${p.metadata?.dev ? " dev" : ""}`;

describe("vendor/composer/installed.json", () => {
  it("reads Composer 2's { packages } format, marking dev-package-names", () => {
    const { packages, warnings } = parse(testdata("installed-composer2.json"));
    expect(warnings).toEqual([]);
    expect(packages.map(summary)).toEqual([
      "acme/toolkit@dev-main",
      "guzzlehttp/guzzle@7.8.0",
      "monolog/monolog@2.9.1",
      "myclabs/deep-copy@1.11.1 dev",
      "phpunit/phpunit@10.3.5 dev",
      "psr/log@3.0.0",
      "sebastian/diff@5.0.3 dev",
      "symfony/console@6.3.4",
      "symfony/deprecation-contracts@3.3.0",
      "symfony/polyfill-mbstring@1.28.0",
    ]);
    for (const p of packages) expect(p.location).toEqual({ path });
    expect(packages.find((p) => p.name === "diff")?.licenses).toEqual(["BSD-3-Clause"]);
  });

  it("reads Composer 1's bare array format", () => {
    const { packages, warnings } = parse(testdata("installed-composer1.json"));
    expect(warnings).toEqual([]);
    expect(packages.map(summary)).toEqual([
      "guzzlehttp/guzzle@7.8.0",
      "monolog/monolog@2.9.1",
      "psr/log@3.0.0",
      "symfony/console@6.3.4",
    ]);
  });

  it.each([
    [path, true],
    ["/app/vendor/composer/installed.json", true],
    ["/app/node_modules/x/installed.json", false],
  ])("accepts %s: %s", (p, wanted) => {
    expect(installedJsonCataloger.selector.accept?.(p)).toBe(wanted);
  });

  it.each([
    ["not JSON", "[{", /not valid JSON/],
    ["an object without packages", '{"installed": []}', /neither a package list nor/],
  ])("warns and returns nothing for %s", (_, text, reason) => {
    const { packages, warnings } = parse(text);
    expect(packages).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(reason)]);
    expect(warnings[0]).toContain(path);
  });
});
