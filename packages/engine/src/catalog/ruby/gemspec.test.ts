import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SelectorIndex } from "../selectors.js";
import { runCataloger } from "../test-support.js";
import { gemspecCataloger } from "./gemspec.js";

const parse = (content: Buffer | string, path: string) => runCataloger(gemspecCataloger, path, content);
const specs = "/usr/local/bundle/specifications";
const testdata = (name: string) => readFileSync(join(import.meta.dirname, "testdata", name));

describe("installed gemspec", () => {
  it("reads name, version and licenses as RubyGems writes them", () => {
    const path = `${specs}/rake-13.0.6.gemspec`;
    const { packages, warnings } = parse(testdata("rake-13.0.6.gemspec"), path);
    expect(warnings).toEqual([]);
    // Not rubygems_version or installed_by_version, which are also "…version = …".
    expect(packages).toEqual([{ type: "gem", name: "rake", version: "13.0.6", licenses: ["MIT"], location: { path } }]);
  });

  it("records the platform of a native gem", () => {
    const { packages } = parse(testdata("nokogiri-1.15.4-x86_64-linux.gemspec"), `${specs}/x.gemspec`);
    expect(packages[0]).toMatchObject({ name: "nokogiri", version: "1.15.4", metadata: { platform: "x86_64-linux" } });
  });

  it("reads the %q{} strings of RubyGems 1.x specs", () => {
    const { packages } = parse(testdata("json-1.8.1.gemspec"), `${specs}/json-1.8.1.gemspec`);
    expect(packages[0]).toMatchObject({ name: "json", version: "1.8.1", licenses: ["Ruby"] });
  });

  it("reads Gem::Version.new and a single license", () => {
    const text = `Gem::Specification.new do |spec|\n  spec.name = 'demo'\n  spec.version = Gem::Version.new("2.0.0.pre1")\n  spec.license = 'Apache-2.0'\nend\n`;
    expect(parse(text, `${specs}/demo-2.0.0.pre1.gemspec`).packages[0]).toMatchObject({
      name: "demo",
      version: "2.0.0.pre1",
      licenses: ["Apache-2.0"],
    });
  });

  it.each([
    [`${specs}/rake-13.0.6.gemspec`, true],
    ["/usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec", true],
    ["/usr/share/rubygems-integration/all/specifications/rake-13.0.6.gemspec", true],
    ["/src/app/app.gemspec", false],
  ])("selects %s: %s", (path, wanted) => {
    expect(new SelectorIndex([gemspecCataloger]).byPath(path).length > 0).toBe(wanted);
  });

  it.each([
    [
      "a computed version",
      "Gem::Specification.new do |s|\n  s.name = 'x'\n  s.version = X::VERSION\nend\n",
      /no literal/,
    ],
    ["binary content", Buffer.from([0, 1, 2, 3]), /not a text file/],
  ])("warns and returns nothing for %s", (_, text, reason) => {
    const { packages, warnings } = parse(text, "/bad/specifications/x-1.gemspec");
    expect(packages).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(reason)]);
    expect(warnings[0]).toContain("/bad/specifications/x-1.gemspec");
  });
});
