import { describe, expect, it } from "vitest";
import type { MalwareFinding } from "../malware/types.js";
import type { ScanReport } from "./scan-report.js";
import { renderScanTable } from "./table.js";
import {
  allFindings,
  allMalware,
  allSecrets,
  EICAR_SHA256,
  eicarFile,
  LAYERS,
  malwareOnlyReport,
  malwareScanReport,
  reportWithSuppressed,
  scanReport,
  secretOnlyReport,
  secretScanReport,
} from "./test-support.js";

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
const HEADER = ["PACKAGE", "INSTALLED", "FIXED", "ID", "SEVERITY", "EPSS", "KEV", "RISK", "WHY"];
const SECRET_HEADER = ["SEVERITY", "RULE", "TITLE", "LOCATION", "LAYER", "PREVIEW"];
const MALWARE_HEADER = ["SEVERITY", "RULE", "CLASS", "PATH", "LAYER", "SHA256"];

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

  it("has no secrets section when the secret scanner did not run", () => {
    expect(text).not.toContain("Secrets");
    expect(out[2]).toBe("Vulnerabilities");
  });
});

/** A section's table in a rendered report: its header line and the rows under it, cut into columns. */
function sectionTable(text: string, title: string, header: string[]) {
  const out = lines(text);
  const at = out.indexOf(title);
  const headerLine = out[at + 1] as string;
  const rows: string[] = [];
  for (let i = at + 2; out[i]; i++) rows.push(out[i] as string);
  const starts = header.map((h) => headerLine.indexOf(h));
  const cells = (row: string) =>
    Object.fromEntries(header.map((h, i) => [h, row.slice(starts[i], starts[i + 1]).trim()]));
  return { out, at, headerLine, rows, starts, cells };
}

const secretTable = (text: string) => sectionTable(text, "Secrets", SECRET_HEADER);
const malwareTable = (text: string) => sectionTable(text, "Malware", MALWARE_HEADER);

describe("scan table with secrets", () => {
  const report = secretScanReport();
  const text = renderScanTable(report);

  it("puts a Secrets section after the vulnerabilities, with its own header", () => {
    const { out, at, headerLine } = secretTable(text);
    expect(at).toBeGreaterThan(out.findIndex((l) => l.startsWith("Total: 7 ")));
    expect(out.indexOf("Vulnerabilities")).toBeLessThan(at);
    expect(headerLine.split(/\s+/)).toEqual(SECRET_HEADER);
    expect(out[0]).toContain("· 412 packages · DB built");
  });

  it("has one row per secret in the report's order: severity, rule, title, path:line, short layer, preview", () => {
    const { rows, cells, starts } = secretTable(text);
    expect(rows).toHaveLength(allSecrets().length);
    const byRow = rows.map(cells);
    expect(byRow.map((c) => c.RULE)).toEqual(report.secrets?.map((s) => s.ruleId));
    expect(byRow[0]).toEqual({
      SEVERITY: "CRITICAL",
      RULE: "postgres-url-password",
      TITLE: "PostgreSQL connection URL with password",
      LOCATION: "/app/config/.env:1",
      LAYER: "bcda18b1e580",
      PREVIEW: report.secrets?.[0]?.preview,
    });
    expect(LAYERS.secrets.startsWith(`sha256:${byRow[0]?.LAYER}`)).toBe(true);
    const jwt = byRow.find((c) => c.RULE === "jwt");
    expect(jwt?.LOCATION).toBe("/app/config/config.yaml:5");
    expect(jwt?.SEVERITY).toBe("MEDIUM");
    for (const row of rows) for (const [i, start] of starts.entries()) if (i > 0) expect(row[start - 1]).toBe(" ");
    for (const [i, c] of byRow.entries()) expect(c.PREVIEW).toBe(report.secrets?.[i]?.preview);
  });

  it("ends with the secrets counted by severity", () => {
    expect(lines(text).filter(Boolean).pop()).toBe("Secrets: 9 (critical: 5, high: 2, medium: 1, low: 1)");
  });

  it("shows only the secrets, without package count or DB age, when only the secret scanner ran", () => {
    const only = renderScanTable(secretOnlyReport());
    const out = lines(only);
    expect(out[0]).toBe("Target: docker.io/lab/vuln-app:1.0 (Debian GNU/Linux 11 (bullseye))");
    expect(out[2]).toBe("Secrets");
    expect(only).not.toContain("Vulnerabilities");
    expect(only).not.toContain("PACKAGE");
    expect(only).not.toContain("Total:");
    expect(secretTable(only).rows).toHaveLength(allSecrets().length);
  });

  it("says so when the secret scanner found nothing", () => {
    const none = renderScanTable(secretScanReport([]));
    expect(none).toContain("\nSecrets\nNo secrets found\n\nSecrets: 0 (critical: 0, high: 0, medium: 0, low: 0)\n");
    expect(none).not.toContain("RULE");
  });

  it("leaves the layer empty outside images, cuts long titles, and prints control characters as '?'", () => {
    const [first] = allSecrets();
    const odd = {
      ...(first as NonNullable<typeof first>),
      title: "A very long rule title that goes on well past forty characters",
      path: "/srv/app/evil\u001b[31mname\n.env",
    };
    delete odd.layer;
    const { rows, cells } = secretTable(renderScanTable(secretOnlyReport([odd])));
    const c = cells(rows[0] as string);
    expect(c.LAYER).toBe("");
    expect(c.TITLE).toBe("A very long rule title that goes on wel…");
    expect(c.LOCATION).toBe("/srv/app/evil?[31mname?.env:1");
    expect(rows[0]).not.toMatch(ANSI);
  });

  it("colours severities and headings only when asked, without moving a column", () => {
    const colored = renderScanTable(report, { color: true });
    expect(colored).toContain("\x1b[1mSecrets\x1b[0m");
    expect(colored).toContain("\x1b[34mLOW\x1b[0m");
    expect(colored.replace(ANSI, "")).toBe(text);
  });
});

describe("scan table with malware", () => {
  const report = malwareScanReport();
  const text = renderScanTable(report);

  it("puts a Malware section after the vulnerabilities, with its own header", () => {
    const { out, at, headerLine } = malwareTable(text);
    expect(at).toBeGreaterThan(out.findIndex((l) => l.startsWith("Total: 7 ")));
    expect(headerLine.split(/\s+/)).toEqual(MALWARE_HEADER);
    expect(out[0]).toContain("· 412 packages · DB built");
    expect(text).not.toContain("Secrets");
  });

  it("comes after the secrets when both scanners ran", () => {
    const both: ScanReport = { ...secretScanReport(), scanners: ["vuln", "secret", "malware"], malware: allMalware() };
    const out = lines(renderScanTable(both));
    const sections = ["Vulnerabilities", "Secrets", "Malware"].map((t) => out.indexOf(t));
    expect(sections.every((at) => at > 0)).toBe(true);
    expect([...sections].sort((a, b) => a - b)).toEqual(sections);
    expect(out.filter(Boolean).pop()).toBe("Malware: 4 (critical: 1, high: 1, medium: 2, low: 0)");
  });

  it("has one row per finding in the report's order: severity, rule, class, path, short layer, short sha256", () => {
    const { rows, cells, starts } = malwareTable(text);
    expect(rows).toHaveLength(allMalware().length);
    const byRow = rows.map(cells);
    expect(byRow.map((c) => c.PATH)).toEqual([
      "/var/www/html/shell.php",
      "/tmp/.cache/config.json",
      "/app/uploads/eicar.com",
      "/app/uploads/eicar.zip!eicar.com",
    ]);
    expect(byRow[0]).toEqual({
      SEVERITY: "CRITICAL",
      RULE: "WebShell_PHP_Request_Exec",
      CLASS: "webshell",
      PATH: "/var/www/html/shell.php",
      LAYER: "bb6c220c5cb3",
      SHA256: "822223a61ca4",
    });
    expect(LAYERS.malware.startsWith(`sha256:${byRow[0]?.LAYER}`)).toBe(true);
    const zipped = byRow[3];
    expect(zipped?.RULE).toBe("EICAR_Test_File");
    expect(zipped?.CLASS).toBe("test-file");
    expect(zipped?.SEVERITY).toBe("MEDIUM");
    expect(EICAR_SHA256.startsWith(zipped?.SHA256 as string)).toBe(true);
    expect(zipped?.SHA256).toHaveLength(12);
    for (const row of rows) for (const [i, start] of starts.entries()) if (i > 0) expect(row[start - 1]).toBe(" ");
  });

  it("ends with the malware counted by severity", () => {
    expect(lines(text).filter(Boolean).pop()).toBe("Malware: 4 (critical: 1, high: 1, medium: 2, low: 0)");
    const low: MalwareFinding = { ...eicarFile(), severity: "low" };
    expect(
      lines(renderScanTable(malwareOnlyReport([low])))
        .filter(Boolean)
        .pop(),
    ).toBe("Malware: 1 (critical: 0, high: 0, medium: 0, low: 1)");
  });

  it("shows only the malware, without package count or DB age, when only the malware scanner ran", () => {
    const only = renderScanTable(malwareOnlyReport());
    const out = lines(only);
    expect(out[0]).toBe("Target: docker.io/lab/vuln-app:1.0 (Debian GNU/Linux 11 (bullseye))");
    expect(out[2]).toBe("Malware");
    expect(only).not.toContain("Vulnerabilities");
    expect(only).not.toContain("Secrets");
    expect(only).not.toContain("Total:");
    expect(malwareTable(only).rows).toHaveLength(allMalware().length);
  });

  it("says so when the malware scanner found nothing, and has no section when it did not run", () => {
    const none = renderScanTable(malwareScanReport([]));
    expect(none).toContain("\nMalware\nNo malware found\n\nMalware: 0 (critical: 0, high: 0, medium: 0, low: 0)\n");
    expect(none).not.toContain("SHA256");
    expect(renderScanTable(scanReport())).not.toContain("Malware");
    expect(renderScanTable(secretScanReport())).not.toContain("Malware");
  });

  it("leaves layer and class empty when unknown, and prints control characters in paths as '?'", () => {
    const odd: MalwareFinding = { ...eicarFile(), path: "/srv/up\u001b[31mloads/x\n.com" };
    delete odd.layer;
    delete odd.class;
    const { rows, cells } = malwareTable(renderScanTable(malwareOnlyReport([odd])));
    const c = cells(rows[0] as string);
    expect(c.LAYER).toBe("");
    expect(c.CLASS).toBe("");
    expect(c.PATH).toBe("/srv/up?[31mloads/x?.com");
    expect(rows[0]).not.toMatch(ANSI);
  });

  it("colours severities and headings only when asked, without moving a column", () => {
    const colored = renderScanTable(report, { color: true });
    expect(colored).toContain("\x1b[1mMalware\x1b[0m");
    expect(colored).toContain("\x1b[1m\x1b[31mCRITICAL\x1b[0m  WebShell_PHP_Request_Exec");
    expect(colored.replace(ANSI, "")).toBe(text);
  });
});
