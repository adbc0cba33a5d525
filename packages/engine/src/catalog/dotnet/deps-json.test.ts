import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SelectorIndex } from "../selectors.js";
import { runCataloger } from "../test-support.js";
import { depsJsonCataloger } from "./deps-json.js";

const path = "/app/Shop.Api.deps.json";
const parse = (content: Buffer | string, at = path) => runCataloger(depsJsonCataloger, at, content);
const testdata = () => readFileSync(join(import.meta.dirname, "testdata", "Shop.Api.deps.json"));

describe("deps.json", () => {
  it('reads the "package" libraries, not projects or the runtime pack', () => {
    const { packages, warnings } = parse(testdata());
    expect(warnings).toEqual([]);
    expect(packages.map((p) => `${p.name}@${p.version}`)).toEqual([
      "Microsoft.Extensions.Logging.Abstractions@8.0.0",
      "Newtonsoft.Json@13.0.3",
      "Serilog@3.1.1",
      "Serilog.AspNetCore@8.0.0",
    ]);
    expect(packages[1]).toEqual({ type: "nuget", name: "Newtonsoft.Json", version: "13.0.3", location: { path } });
  });

  it("reads a file that starts with a byte order mark", () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), testdata()]);
    expect(parse(withBom).packages).toHaveLength(4);
  });

  it.each([
    ["/app/Shop.Api.deps.json", true],
    ["/usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.0/Microsoft.NETCore.App.deps.json", true],
    ["/app/Shop.Api.runtimeconfig.json", false],
  ])("selects %s: %s", (p, wanted) => {
    expect(new SelectorIndex([depsJsonCataloger]).byPath(p).length > 0).toBe(wanted);
  });

  it.each([
    ["not JSON", '{"libraries": {', /not valid JSON/],
    ["no libraries", '{"runtimeTarget": {}}', /no "libraries" object/],
  ])("warns and returns nothing for %s", (_, text, reason) => {
    const { packages, warnings } = parse(text);
    expect(packages).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(reason)]);
    expect(warnings[0]).toContain(path);
  });
});
