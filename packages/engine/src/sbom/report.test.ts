import { describe, expect, it } from "vitest";
import type { Inventory } from "./inventory.js";
import { renderJson, renderTable } from "./report.js";
import { fixture } from "./test-support.js";

describe("renderTable", () => {
  it("lists packages sorted by name with aligned NAME, VERSION, TYPE and SOURCE columns", () => {
    const lines = renderTable(fixture()).trimEnd().split("\n");
    expect(lines.map((l) => l.split(/\s{2,}/))).toEqual([
      ["NAME", "VERSION", "TYPE", "SOURCE"],
      ["@babel/code-frame", "7.22.13", "npm"],
      ["golang.org/x/net", "v0.7.0", "golang"],
      ["libc6", "2.31-13+deb11u11", "deb", "glibc"],
      ["lodash", "4.17.15", "npm"],
      ["log4j-core", "2.14.1", "maven"],
      ["login", "1:4.8.1-1", "deb", "shadow"],
      ["python3-yaml", "5.3.1-5", "deb", "pyyaml"],
      ["PyYAML", "5.1", "pypi"],
    ]);
    const versionColumn = (lines[0] as string).indexOf("VERSION");
    for (const line of lines.slice(1)) expect(line.charAt(versionColumn - 1)).toBe(" ");
    expect(lines.map((l) => l.indexOf(l.split(/\s{2,}/)[1] as string))).toEqual(lines.map(() => versionColumn));
  });

  it("shows a source version only where it differs, drops the SOURCE column when no package needs it", () => {
    const inv = fixture();
    const [first, ...rest] = inv.packages;
    const withBinNmu = {
      ...inv,
      packages: [{ ...(first as Inventory["packages"][0]), source: { name: "glibc", version: "2.31-13" } }, ...rest],
    };
    expect(renderTable(withBinNmu)).toMatch(/^libc6\s+2\.31-13\+deb11u11\s+deb\s+glibc@2\.31-13$/m);
    const noSources = { ...inv, packages: inv.packages.filter((p) => p.type !== "deb") };
    expect(renderTable(noSources).split("\n")[0]).toBe("NAME               VERSION  TYPE");
    const sameSource = {
      ...inv,
      packages: inv.packages.map((p) => (p.source ? { ...p, source: { name: p.name, version: p.version } } : p)),
    };
    expect(renderTable(sameSource)).not.toMatch(/SOURCE/);
    expect(renderTable({ ...inv, packages: [] })).toBe("No packages discovered\n");
  });
});

describe("renderJson", () => {
  it("writes the inventory itself, which parses back equal", () => {
    expect(JSON.parse(renderJson(fixture()))).toEqual(fixture());
  });

  it("puts keys in a stable order whatever order the object was built in", () => {
    const inv = fixture();
    const shuffled = JSON.parse(
      JSON.stringify(inv, (_k, v) =>
        v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
      ),
    ) as Inventory;
    expect(Object.keys(shuffled)[0]).toBe("createdAt");
    expect(renderJson(shuffled)).toBe(renderJson(inv));
    const out = JSON.parse(renderJson(shuffled)) as Record<string, unknown> & {
      packages: Array<Record<string, unknown>>;
    };
    expect(Object.keys(out)).toEqual(["source", "distro", "packages", "warnings", "tool", "createdAt"]);
    expect(Object.keys(out.packages[0] as object).slice(0, 5)).toEqual(["purl", "type", "name", "version", "arch"]);
  });
});
