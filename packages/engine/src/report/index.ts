// Scan reports: the report model and its output formats.
export { renderScanCycloneDx, type ScanCycloneDxOptions, toScanCycloneDx } from "./cyclonedx.js";
export { formatScanReport, SCAN_FORMATS, type ScanFormat, type ScanFormatOptions } from "./format.js";
export { renderScanJson, SCAN_REPORT_SCHEMA_VERSION, scanReportJson } from "./json.js";
export { renderJunit } from "./junit.js";
export { renderSarif, SARIF_SCHEMA_URI, toSarif } from "./sarif.js";
export type { FeedStatus, ScannerName, ScanReport, SuppressedFinding } from "./scan-report.js";
export { renderScanTable } from "./table.js";
