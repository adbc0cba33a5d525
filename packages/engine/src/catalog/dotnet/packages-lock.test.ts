import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCataloger } from "../test-support.js";
import { packagesLockCataloger } from "./packages-lock.js";

const path = "/src/Shop.Api/packages.lock.json";
const parse = (content: Buffer | string) => runCataloger(packagesLockCataloger, path, content);

describe("packages.lock.json", () => {
  it("reads the resolved packages of every target framework once, not projects", () => {
    const { packages, warnings } = parse(readFileSync(join(import.meta.dirname, "testdata", "packages.lock.json")));
    expect(warnings).toEqual([]);
    expect(packages.map((p) => `${p.name}@${p.version}`)).toEqual([
      "Newtonsoft.Json@13.0.1",
      "Serilog@3.1.1",
      "System.Text.Json@8.0.4",
      "System.Text.Encodings.Web@8.0.0",
      "Newtonsoft.Json@13.0.3",
      "runtime.linux-x64.Microsoft.DotNet.ILCompiler@8.0.8",
    ]);
    expect(packages[0]).toEqual({ type: "nuget", name: "Newtonsoft.Json", version: "13.0.1", location: { path } });
  });

  it.each([
    ["not JSON", "{", /not valid JSON/],
    ["no dependencies", '{"version": 1}', /no "dependencies" object/],
    ["a JSON array", "[]", /no "dependencies" object/],
  ])("warns and returns nothing for %s", (_, text, reason) => {
    const { packages, warnings } = parse(text);
    expect(packages).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(reason)]);
    expect(warnings[0]).toContain(path);
  });
});
