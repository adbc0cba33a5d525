import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { testdata as labDir } from "../../../../../test/fixtures/testdata.js";
import { SelectorIndex } from "../selectors.js";
import { catalogDir, runCataloger } from "../test-support.js";
import { installedPackageCataloger } from "./installed.js";

const parse = (path: string, text: string | Buffer) => runCataloger(installedPackageCataloger, path, text);

describe("installed Python distributions", () => {
  // testdata/dist-packages: METADATA of wheels installed by Debian 12, and Debian 11's python3-yaml and
  // python3-requests egg-info (a plain file and a directory).
  it("reads dist-info METADATA, egg-info PKG-INFO and egg-info files", async () => {
    const { packages, warnings } = await catalogDir(join(import.meta.dirname, "testdata"), [installedPackageCataloger]);
    expect(warnings).toEqual([]);
    const byPath = Object.fromEntries(packages.map((p) => [p.location.path, p]));
    expect(byPath).toEqual({
      "/dist-packages/PyYAML-5.3.1.egg-info": {
        type: "pypi",
        name: "PyYAML",
        version: "5.3.1",
        licenses: ["MIT"],
        location: { path: "/dist-packages/PyYAML-5.3.1.egg-info" },
        foundBy: "python-installed-package-cataloger",
      },
      "/dist-packages/PyYAML-6.0.dist-info/METADATA": expect.objectContaining({
        name: "PyYAML",
        version: "6.0",
        licenses: ["MIT"],
      }),
      // No License header; the description below the headers talks about its license.
      "/dist-packages/pyparsing-3.0.9.dist-info/METADATA": expect.not.objectContaining({ licenses: expect.anything() }),
      "/dist-packages/requests-2.25.1.egg-info/PKG-INFO": expect.objectContaining({
        name: "requests",
        version: "2.25.1",
        licenses: ["Apache 2.0"],
      }),
    });
    expect(byPath["/dist-packages/pyparsing-3.0.9.dist-info/METADATA"]?.version).toBe("3.0.9");
  });

  it("stops at the blank line that starts the description", () => {
    const text = "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n\nLicense: GPL\nVersion: 9.9\n";
    expect(parse("/x/demo-1.0.dist-info/METADATA", text).packages).toEqual([
      { type: "pypi", name: "demo", version: "1.0", location: { path: "/x/demo-1.0.dist-info/METADATA" } },
    ]);
  });

  it("prefers License-Expression, ignores UNKNOWN and pasted license texts", () => {
    const licenses = (headers: string) =>
      parse("/x/d-1.dist-info/METADATA", `Name: d\nVersion: 1\n${headers}\n`).packages[0]?.licenses;
    expect(licenses("License-Expression: MIT OR Apache-2.0\nLicense: MIT")).toEqual(["MIT OR Apache-2.0"]);
    expect(licenses("License: UNKNOWN")).toBeUndefined();
    expect(licenses("License: Copyright (c) 2020 Someone\n        Permission is hereby granted")).toBeUndefined();
    expect(licenses("License: BSD-3-Clause\r")).toEqual(["BSD-3-Clause"]);
  });

  it.each([
    ["/x/site-packages/a-1.dist-info/METADATA", true],
    ["/x/site-packages/a-1.egg-info/PKG-INFO", true],
    ["/usr/lib/python3/dist-packages/PyYAML-5.3.1.egg-info", true],
    ["/x/site-packages/a-1.dist-info/RECORD", false],
    ["/x/METADATA", false],
  ])("selects %s: %s", (path, wanted) => {
    expect(new SelectorIndex([installedPackageCataloger]).byPath(path).length > 0).toBe(wanted);
  });

  it.each([
    ["no Name or Version", "Metadata-Version: 2.1\nSummary: nothing\n", /no Name or Version header/],
    ["binary content", Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]), /not a text file/],
  ])("warns and returns nothing for %s", (_, text, reason) => {
    const { packages, warnings } = parse("/bad/x.dist-info/METADATA", text);
    expect(packages).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(reason)]);
    expect(warnings[0]).toContain("/bad/x.dist-info/METADATA");
  });

  it("catalogs the lab's site-packages", async () => {
    const { packages, warnings } = await catalogDir(labDir("layers/pyfake"), [installedPackageCataloger]);
    expect(warnings).toEqual([]);
    expect(packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual([
      "Django@2.2.0",
      "Flask@0.12.2",
      "Jinja2@2.10",
      "PyYAML@5.1",
      "requests@2.19.1",
      "urllib3@1.24.1",
    ]);
    expect(packages.find((p) => p.name === "Django")?.location.path).toBe(
      "/usr/local/lib/python3.9/site-packages/Django-2.2.0.dist-info/METADATA",
    );
  });
});
