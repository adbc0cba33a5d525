import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCataloger } from "../test-support.js";
import { gemfileLockCataloger } from "./gemfile-lock.js";

const parse = (content: Buffer | string, path = "/app/Gemfile.lock") =>
  runCataloger(gemfileLockCataloger, path, content);

describe("Gemfile.lock", () => {
  it("reads the specs of every GEM section, not PATH, GIT, CHECKSUMS or dependency lines", () => {
    const { packages, warnings } = parse(readFileSync(join(import.meta.dirname, "testdata", "Gemfile.lock")));
    expect(warnings).toEqual([]);
    expect(packages.map((p) => `${p.name}@${p.version}${p.metadata ? ` ${p.metadata.platform}` : ""}`)).toEqual([
      "actionpack@7.0.8",
      "actionview@7.0.8",
      "activesupport@7.0.8",
      "builder@3.2.4",
      "concurrent-ruby@1.2.2",
      "erubi@1.12.0",
      "i18n@1.14.1",
      "minitest@5.20.0",
      "nokogiri@1.15.4 arm64-darwin",
      "nokogiri@1.15.4 x86_64-linux",
      "racc@1.7.1",
      "rack@2.2.8",
      "rack-test@2.1.0",
      "rake@13.0.6",
      "turbolinks-source@5.2.0",
      "tzinfo@2.0.6",
      "internal-auth@2.4.0.rc1",
    ]);
    expect(packages[0]).toEqual({
      type: "gem",
      name: "actionpack",
      version: "7.0.8",
      location: { path: "/app/Gemfile.lock" },
    });
  });

  it("reads CRLF lockfiles", () => {
    const text =
      "GEM\r\n  remote: https://rubygems.org/\r\n  specs:\r\n    rake (13.0.6)\r\n\r\nBUNDLED WITH\r\n   2.4.19\r\n";
    expect(parse(text).packages.map((p) => p.version)).toEqual(["13.0.6"]);
  });

  it.each([
    ["no GEM section", '{"packages": []}\n', /no GEM section/],
    ["binary content", Buffer.from([0xff, 0x00, 0x12]), /not a text file/],
  ])("warns and returns nothing for %s", (_, text, reason) => {
    const { packages, warnings } = parse(text, "/bad/Gemfile.lock");
    expect(packages).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(reason)]);
    expect(warnings[0]).toContain("/bad/Gemfile.lock");
  });
});
