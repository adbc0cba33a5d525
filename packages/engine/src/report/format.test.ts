import { describe, expect, it } from "vitest";
import { formatScanReport, SCAN_FORMATS, type ScanFormat } from "./format.js";
import { allMalware, allSecrets, malwareOnlyReport, reportWithSuppressed, secretOnlyReport } from "./test-support.js";

describe("formatScanReport", () => {
  const report = reportWithSuppressed();

  it.each(SCAN_FORMATS)("renders %s with every finding in it", (format) => {
    const text = formatScanReport(report, format);
    expect(text.endsWith("\n")).toBe(true);
    for (const f of report.findings) expect(text).toContain(f.id);
  });

  it.each(SCAN_FORMATS.filter((f) => f !== "cyclonedx"))(
    "renders %s with every secret's rule and preview in it",
    (format) => {
      const text = formatScanReport({ ...report, scanners: ["vuln", "secret"], secrets: allSecrets() }, format);
      for (const s of allSecrets()) {
        expect(text).toContain(s.ruleId);
        expect(text).toContain(s.preview);
      }
    },
  );

  it.each(SCAN_FORMATS.filter((f) => f !== "cyclonedx"))(
    "renders %s with every malware finding's rule and path in it",
    (format) => {
      const text = formatScanReport({ ...report, scanners: ["vuln", "malware"], malware: allMalware() }, format);
      for (const m of allMalware()) {
        expect(text).toContain(m.ruleId);
        // The path as each format writes it: whole, or (SARIF) the file's URI without its leading "/".
        expect(text).toContain(format === "sarif" ? (m.archive?.archive ?? m.path).slice(1) : m.path);
      }
    },
  );

  it.each(SCAN_FORMATS)("renders %s for a malware scan alone", (format) => {
    const text = formatScanReport(malwareOnlyReport(), format);
    expect(text.endsWith("\n")).toBe(true);
    for (const f of report.findings) expect(text).not.toContain(f.id);
  });

  it.each(SCAN_FORMATS)("renders %s for a secret scan alone", (format) => {
    const text = formatScanReport(secretOnlyReport(), format);
    expect(text.endsWith("\n")).toBe(true);
    for (const f of report.findings) expect(text).not.toContain(f.id);
  });

  it("tells each format apart", () => {
    expect(formatScanReport(report, "table")).toMatch(/^Target: /);
    expect(JSON.parse(formatScanReport(report, "json")).schemaVersion).toBe(1);
    expect(JSON.parse(formatScanReport(report, "sarif")).version).toBe("2.1.0");
    expect(JSON.parse(formatScanReport(report, "cyclonedx")).bomFormat).toBe("CycloneDX");
    expect(formatScanReport(report, "junit")).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
  });

  it("colours only the table, and only when asked", () => {
    expect(formatScanReport(report, "table", { color: true })).toContain("\x1b[");
    expect(formatScanReport(report, "json", { color: true })).not.toContain("\x1b[");
  });

  it("refuses an unknown format and lists the known ones", () => {
    expect(() => formatScanReport(report, "html" as ScanFormat)).toThrow(
      'unknown scan format "html"; use one of table, json, sarif, cyclonedx, junit',
    );
  });
});
