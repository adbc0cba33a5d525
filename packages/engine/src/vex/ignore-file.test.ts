import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isDate, loadIgnoreFile, parseIgnoreFile } from "./ignore-file.js";
import { SuppressionFileError } from "./suppression-error.js";

const data = (name: string) => fileURLToPath(new URL(`./testdata/ignore/${name}`, import.meta.url));

/** The error loadIgnoreFile throws for a file, for asserting on its message and line. */
function errorOf(name: string): SuppressionFileError {
  try {
    loadIgnoreFile(data(name));
  } catch (e) {
    expect(e).toBeInstanceOf(SuppressionFileError);
    return e as SuppressionFileError;
  }
  throw new Error(`${name} loaded without an error`);
}

describe("Rampart's YAML ignore file", () => {
  it("reads every rule with its reason, expiry, packages, paths and line", () => {
    const file = data("rampart-ignore.yaml");
    const rules = loadIgnoreFile(file);
    expect(rules.map((r) => r.id)).toEqual([
      "CVE-2011-3374",
      "GHSA-35jh-r3h4-6jhm",
      "CVE-2023-39325",
      "CVE-2020-1747",
      "CVE-2021-44228",
    ]);
    expect(rules[0]).toEqual({
      id: "CVE-2011-3374",
      reason: "apt-key is not used at run time",
      expires: "2027-01-31",
      packages: ["pkg:deb/debian/apt"],
      file,
      line: 3,
    });
    expect(rules[1]).toMatchObject({ packages: ["lodash"], paths: ["/app/node/**"], line: 8 });
    expect(rules[3]?.expires).toBe("2026-06-30");
  });

  it("reads Trivy's .trivyignore.yaml spellings and skips its other sections", () => {
    const rules = loadIgnoreFile(data("rampart-ignore.yaml"));
    expect(rules[4]).toMatchObject({
      reason: "the bundled copy inside app.jar is never loaded",
      packages: ["pkg:maven/org.apache.logging.log4j/log4j-core"],
      paths: ["**/app.jar!/BOOT-INF/lib/*.jar"],
    });
    const trivy = loadIgnoreFile(data("trivy-sections.yaml"));
    expect(trivy).toHaveLength(1);
    expect(trivy[0]).toMatchObject({ id: "CVE-2011-3374", reason: "apt-key is not used", expires: "2027-01-31" });
  });

  it("names the file and line of a bad date", () => {
    const e = errorOf("bad-date.yaml");
    expect(e.line).toBe(6);
    expect(e.message).toContain("bad-date.yaml:6");
    expect(e.message).toContain('"2027-02-30"');
  });

  it("names the entry without an id", () => {
    const e = errorOf("missing-id.yaml");
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/missing-id\.yaml:3: ignore rule without an `id`/);
  });

  it("reports invalid YAML with its line", () => {
    const e = errorOf("bad-syntax.yaml");
    expect(e.message).toMatch(/bad-syntax\.yaml:\d+: invalid YAML/);
    expect(e.line).toBeGreaterThanOrEqual(3);
  });

  it("rejects a misspelt key instead of ignoring it", () => {
    const e = errorOf("unknown-key.yaml");
    expect(e.message).toBe(`${data("unknown-key.yaml")}:3: unknown key "expire" in an ignore rule`);
  });

  it("rejects a package URL that does not parse", () => {
    expect(errorOf("bad-purl.yaml").message).toContain('not a package URL: "pkg:deb/"');
  });

  it("rejects documents that are not an ignore list", () => {
    expect(() => parseIgnoreFile("vulnerabilities: CVE-2021-44228\n", "x.yaml")).toThrow(/must be a list/);
    expect(() => parseIgnoreFile("ignore:\n  - CVE-2021-44228\n", "x.yaml")).toThrow(/x\.yaml:1: unknown key "ignore"/);
    expect(() => parseIgnoreFile("vulnerabilities:\n  - id: [a]\n", "x.yaml")).toThrow(
      /`id` must be a non-empty string/,
    );
    expect(parseIgnoreFile("vulnerabilities:\n", "x.yaml")).toEqual([]);
  });
});

describe("Trivy's plain .trivyignore", () => {
  it("is recognised by content: ids, exp: dates, whole-line and trailing comments", () => {
    const file = data(".trivyignore");
    expect(loadIgnoreFile(file)).toEqual([
      { id: "CVE-2011-3374", file, line: 2 },
      { id: "CVE-2020-11023", expires: "2027-01-01", file, line: 3 },
      { id: "GHSA-4374-p667-p6c8", file, line: 6 },
      { id: "CVE-2019-10744", expires: "2020-01-01", file, line: 7 },
    ]);
  });

  it("names the line of a bad expiry", () => {
    const e = errorOf("bad-trivyignore");
    expect(e.line).toBe(2);
    expect(e.message).toContain('bad expiry date "tomorrow"');
  });

  it("rejects text after the id that is not an expiry", () => {
    expect(() => parseIgnoreFile("CVE-2011-3374 because\n", "t")).toThrow('t:1: unexpected "because" after the id');
  });

  it("reads an empty or comment-only file as no rules", () => {
    expect(parseIgnoreFile("", "t")).toEqual([]);
    expect(parseIgnoreFile("# nothing yet\n\n", "t")).toEqual([]);
  });
});

describe("loading", () => {
  it("says which file it could not read", () => {
    expect(() => loadIgnoreFile("/nonexistent/.rampartignore")).toThrow(
      /^\/nonexistent\/\.rampartignore: cannot read ignore file/,
    );
  });

  it("checks calendar dates, not only their shape", () => {
    expect(isDate("2028-02-29")).toBe(true);
    expect(isDate("2027-02-29")).toBe(false);
    expect(isDate("2027-13-01")).toBe(false);
    expect(isDate("27-01-01")).toBe(false);
  });
});
