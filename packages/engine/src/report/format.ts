/** The output formats of `rampart scan`, and rendering a scan report in one of them. */
import type { Inventory } from "../sbom/inventory.js";
import { renderScanCycloneDx } from "./cyclonedx.js";
import { renderScanJson } from "./json.js";
import { renderJunit } from "./junit.js";
import { renderSarif } from "./sarif.js";
import type { ScanReport } from "./scan-report.js";
import { renderScanTable } from "./table.js";

export const SCAN_FORMATS = ["table", "json", "sarif", "cyclonedx", "junit"] as const;
export type ScanFormat = (typeof SCAN_FORMATS)[number];

export interface ScanFormatOptions {
  /** ANSI colour in the table (only the table has any). */
  color?: boolean;
  /** The inventory the scan matched: the CycloneDX report then lists every component, not only affected ones. */
  inventory?: Inventory;
}

const RENDERERS: Record<ScanFormat, (r: ScanReport, opts: ScanFormatOptions) => string> = {
  table: (r, opts) => renderScanTable(r, { color: opts.color }),
  json: (r) => renderScanJson(r),
  sarif: (r) => renderSarif(r),
  cyclonedx: (r, opts) => renderScanCycloneDx(r, opts.inventory ? { inventory: opts.inventory } : {}),
  junit: (r) => renderJunit(r),
};

/**
 * The report as text: a terminal table, Rampart's JSON, SARIF 2.1.0, CycloneDX 1.6 (with vulnerabilities) or
 * JUnit XML. Each shows what the scanners that ran found: vulnerabilities, secrets (only masked) and files that
 * matched malware rules (with rule, path, layer and sha256). CycloneDX carries only the counts of secrets and
 * malware, not the findings.
 */
export function formatScanReport(report: ScanReport, format: ScanFormat, opts: ScanFormatOptions = {}): string {
  const render = Object.hasOwn(RENDERERS, format) ? RENDERERS[format] : undefined;
  if (!render) throw new Error(`unknown scan format ${JSON.stringify(format)}; use one of ${SCAN_FORMATS.join(", ")}`);
  return render(report, opts);
}
