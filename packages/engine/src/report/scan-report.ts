import type { MalwareFinding } from "../malware/types.js";
import type { Finding } from "../match/finding.js";
import type { Distro } from "../package/distro.js";
import type { PostureReport } from "../posture/control.js";
import type { InventorySource } from "../sbom/inventory.js";
import type { SecretFinding } from "../secrets/types.js";

/** Freshness of one feed in the vulnerability DB the scan used. */
export interface FeedStatus {
  /** "osv:Debian", "osv:npm", "kev", "epss". */
  name: string;
  /** URL or directory it was imported from. */
  location?: string;
  /** When the data was last changed upstream (newest record's modified, catalog release, EPSS score date). */
  dataAsOf?: string;
  /** When Rampart imported it. */
  importedAt: string;
  records: number;
}

/** A finding a VEX statement or an ignore rule took out, with what did it. */
export interface SuppressedFinding {
  finding: Finding;
  /** "vex" | "ignore-file" */
  by: "vex" | "ignore-file";
  /** VEX status + justification, or the ignore rule's reason. */
  reason: string;
  /** The file the statement or rule came from. */
  file: string;
}

export type ScannerName = "vuln" | "secret" | "malware" | "posture";

/** The result of `rampart scan`: what was scanned, with what data, and what was found, ranked. */
export interface ScanReport {
  source: InventorySource;
  distro?: Distro;
  /** How many packages were matched. */
  packageCount: number;
  /** Which scanners ran ("vuln", "secret", "malware", "posture"). A scanner that did not run has no section in any output. */
  scanners: ScannerName[];
  /** Sorted by risk, highest first (or by the order the user asked for). */
  findings: Finding[];
  /** Exposed credentials, masked: never a whole secret. Sorted by severity, then path and line. */
  secrets?: SecretFinding[];
  /** Files that matched malware rules. Sorted by severity, then path and rule. */
  malware?: MalwareFinding[];
  /** Every posture control evaluated (passes too) and the framework view; present when the posture scanner ran. */
  posture?: PostureReport;
  suppressed: SuppressedFinding[];
  /** The vulnerability DB the scan used; absent when the vulnerability scanner did not run. */
  db?: { schemaVersion: number; builtAt: string; feeds: FeedStatus[] };
  warnings: string[];
  tool: { name: "rampart"; version: string };
  /** ISO 8601 time. */
  createdAt: string;
}
