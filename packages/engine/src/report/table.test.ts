import { describe, expect, it } from "vitest";
import { renderScanTable } from "./table.js";
import { allFindings, reportWithSuppressed, scanReport } from "./test-support.js";

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
const HEADER = ["PACKAGE", "INSTALLED", "FIXED", "ID", "SEVERITY", "EPSS", "KEV", "RISK", "WHY"];

const lines = (text: string) => text.split("\n");

describe("scan table", () => {
  const text = renderScanTable(scanReport());
  const out = lines(text);
  const headerLine = out.find((l) => l.startsWith("PACKAGE")) as string;
  const rows = out.slice(out.indexOf(headerLine) + 1, out.indexOf(headerLine) + 1 + allFindings().length);

  it("starts with the target, its distro, the package count and the DB's age", () => {
    expect(out[0]).toBe(
      "Target: docker.io/lab/vuln-app:1.0 (Debian GNU/Linux 11 (bullseye)) · 412 packages · DB built 2026-08-16 06:00 UTC (3 days old)",
    );
  });

  it("has one row per finding in the report's order", () => {
    const id = headerLine.indexOf("ID");
    expect(rows.map((r) => r.slice(id).split(" ")[0])).toEqual(allFindings().map((f) => f.id));
    expect(rows[0]).toMatch(
      /^org\.apache\.logging\.log4j:log4j-core\s+2\.14\.1\s+2\.3\.1, 2\.12\.2, 2\.15\.0\s+CVE-2021-44228\s+CRITICAL/,
    );
  });

  it("aligns every column under its header", () => {
    const starts = HEADER.map((h) => headerLine.indexOf(h));
    expect(starts.every((s, i) => i === 0 || s > (starts[i - 1] as number))).toBe(true);
    for (const row of rows) {
      for (const [i, start] of starts.entries()) {
        if (i > 0) expect(row[start - 1], `column ${HEADER[i]} of ${row}`).toBe(" ");
      }
    }
    const find = (id: string) => rows.find((r) => r.includes(id)) as string;
    const cell = (row: string, column: string) => {
      const i = HEADER.indexOf(column);
      return row.slice(starts[i], starts[i + 1]).trim();
    };
    const log4j = find("CVE-2021-44228");
    expect(cell(log4j, "INSTALLED")).toBe("2.14.1");
    expect(cell(log4j, "FIXED")).toBe("2.3.1, 2.12.2, 2.15.0");
    expect(cell(log4j, "EPSS")).toBe(">99.9%");
    expect(cell(log4j, "KEV")).toBe("yes, ransomware");
    expect(cell(log4j, "RISK")).toBe("98.6");
    const jquery = find("CVE-2020-11023");
    expect(cell(jquery, "KEV")).toBe("yes");
    expect(cell(jquery, "EPSS")).toBe("83.8%");
    expect(cell(jquery, "SEVERITY")).toBe("MEDIUM");
    const apt = find("CVE-2011-3374");
    expect(cell(apt, "FIXED")).toBe("(not fixed)");
    expect(cell(apt, "KEV")).toBe("");
    expect(cell(apt, "SEVERITY")).toBe("NEGLIGIBLE");
    expect(cell(find("CVE-2023-39325"), "PACKAGE")).toBe("golang.org/x/net");
  });

  it("cuts a long why to 60 characters with an ellipsis", () => {
    const why = rows[0]?.slice(headerLine.indexOf("WHY")) as string;
    expect(why.length).toBeLessThanOrEqual(60);
    expect(why.endsWith("…")).toBe(true);
    expect(allFindings()[0]?.risk.why.startsWith(why.slice(0, -1))).toBe(true);
  });

  it("ends with counts by severity and suppressed counts", () => {
    expect(lines(renderScanTable(reportWithSuppressed())).filter(Boolean).pop()).toBe(
      "Total: 5 (critical: 2, high: 2, medium: 1, low: 0, negligible: 0, unknown: 0) · suppressed: 2 (VEX: 1, ignore file: 1)",
    );
    expect(out.filter(Boolean).pop()).toBe(
      "Total: 7 (critical: 2, high: 3, medium: 1, low: 0, negligible: 1, unknown: 0) · suppressed: 0 (VEX: 0, ignore file: 0)",
    );
  });

  it("colours only when asked, without moving a column", () => {
    expect(text).not.toMatch(ANSI);
    const colored = renderScanTable(scanReport(), { color: true });
    expect(colored).toContain("\x1b[1m\x1b[31mCRITICAL\x1b[0m");
    expect(colored).toContain("\x1b[33mMEDIUM\x1b[0m");
    expect(colored.replace(ANSI, "")).toBe(text);
  });

  it("says so when nothing was found", () => {
    const empty = renderScanTable(scanReport([]));
    expect(empty).toContain("\nNo vulnerabilities found\n");
    expect(empty).not.toContain("PACKAGE");
  });
});
