// "Never store a secret whole": a report whose secret findings were made, by the scanner's own masking,
// fingerprint and snippet code, from known credentials is rendered in every format, and no output may hold
// any of those credentials or any piece of one longer than 6 characters (the scanner's preview shows 4 + 2).
// Each output is searched as written and as a reader decodes it (JSON strings, XML entities, no ANSI codes),
// so an escaped leak (`\"`, `&amp;`, `\\`) is caught too.
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import type { Inventory } from "../sbom/inventory.js";
import { fixture as inventoryFixture } from "../sbom/test-support.js";
import { formatScanReport, SCAN_FORMATS, type ScanFormat } from "./format.js";
import type { ScanReport } from "./scan-report.js";
import { allFindings, type PlantedSecret, plantedSecrets, reportWithSuppressed } from "./test-support.js";

/** Longest piece of a secret an output may hold. */
const MAX_SHOWN = 6;
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

/** Every string in a parsed document, keys included. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      strings(v, out);
    }
  return out;
}

const xml = new XMLParser({ ignoreAttributes: false, trimValues: false, htmlEntities: true });

/** The output as written and as its reader decodes it. */
function readings(format: ScanFormat, text: string): string[] {
  if (format === "table") return [text, text.replace(ANSI, "")];
  if (format === "junit") return [text, strings(xml.parse(text)).join("\n")];
  return [text, strings(JSON.parse(text)).join("\n")];
}

/** The pieces of `secret` longer than MAX_SHOWN characters found in `text` (the shortest ones suffice). */
function leaks(secret: string, text: string): string[] {
  const n = MAX_SHOWN + 1;
  const found = new Set<string>();
  for (let i = 0; i + n <= secret.length; i++) {
    const piece = secret.slice(i, i + n);
    if (text.includes(piece)) found.add(piece);
  }
  return [...found];
}

/** Every output of every format for the report, with and without colour and the full inventory. */
function outputs(report: ScanReport, inventory: Inventory): Array<[string, ScanFormat, string]> {
  const out: Array<[string, ScanFormat, string]> = [];
  for (const format of SCAN_FORMATS) {
    out.push([format, format, formatScanReport(report, format)]);
    out.push([`${format} (colour, inventory)`, format, formatScanReport(report, format, { color: true, inventory })]);
  }
  return out;
}

function leaksIn(report: ScanReport, planted: PlantedSecret[]): string[] {
  const found: string[] = [];
  for (const [name, format, text] of outputs(report, inventoryFixture())) {
    for (const reading of readings(format, text)) {
      for (const { secret, finding } of planted) {
        for (const piece of leaks(secret, reading)) found.push(`${name}: ${finding.ruleId} ${JSON.stringify(piece)}`);
      }
    }
  }
  return [...new Set(found)];
}

const reportOf = (planted: PlantedSecret[]): ScanReport => ({
  ...reportWithSuppressed(),
  scanners: ["vuln", "secret"],
  secrets: planted.map((p) => p.finding),
});

describe("no output holds a secret", () => {
  for (const where of ["image", "directory"] as const) {
    it(`no format shows any secret, or more than ${MAX_SHOWN} characters of one (${where} scan)`, () => {
      const planted = plantedSecrets(where);
      const report = reportOf(planted);
      if (where === "directory") report.source = { kind: "directory", name: "/srv/app" };
      expect(leaksIn(report, planted)).toEqual([]);
    });
  }

  it("plants secrets worth the search: long, with characters every format escapes, two on one line", () => {
    const planted = plantedSecrets();
    expect(planted.length).toBeGreaterThanOrEqual(9);
    for (const { secret } of planted) expect(secret.length).toBeGreaterThan(MAX_SHOWN * 3);
    expect(planted.some(({ secret }) => /[&<>"\\]/.test(secret))).toBe(true);
    expect(planted.some(({ secret }) => secret.includes("\n"))).toBe(true);
    const lines = planted.map((p) => `${p.finding.path}:${p.finding.line}`);
    expect(new Set(lines).size).toBeLessThan(lines.length);
    // The findings are rendered: every format but CycloneDX names each rule.
    const report = reportOf(planted);
    for (const format of SCAN_FORMATS.filter((f) => f !== "cyclonedx")) {
      const text = formatScanReport(report, format);
      for (const p of planted) expect(text).toContain(p.finding.ruleId);
    }
    expect(report.findings).toHaveLength(allFindings().length - 2);
  });

  it("would catch a leak in any format that shows findings, escaped or not", () => {
    const planted = plantedSecrets();
    const leaky = reportOf(planted);
    // A scanner that forgot to mask: the whole secret as preview and in the snippet.
    leaky.secrets = planted.map(({ secret, finding }) => ({ ...finding, snippet: `x = ${secret}` }));
    const found = leaksIn(leaky, planted);
    for (const format of SCAN_FORMATS.filter((f) => f !== "table" && f !== "cyclonedx")) {
      for (const p of planted) expect(found.some((l) => l.startsWith(`${format}: ${p.finding.ruleId} `))).toBe(true);
    }
    const previews = reportOf(planted);
    previews.secrets = planted.map(({ secret, finding }) => ({ ...finding, preview: secret.slice(0, 7) }));
    const shown = leaksIn(previews, planted);
    for (const format of SCAN_FORMATS.filter((f) => f !== "cyclonedx")) {
      for (const p of planted) expect(shown.some((l) => l.startsWith(`${format}: ${p.finding.ruleId} `))).toBe(true);
    }
  });
});
