/** What the suppression inputs say once read: ignore rules from an ignore file, statements from VEX documents. */

/** One entry of an ignore file (Rampart's YAML or Trivy's `.trivyignore`). */
export interface IgnoreRule {
  /** A vulnerability id or any of its aliases (CVE, GHSA, DSA, GO…). */
  id: string;
  reason?: string;
  /** Last day (YYYY-MM-DD, UTC) the rule applies; absent = never expires. */
  expires?: string;
  /** Package URLs without version (type/namespace/name, version optional) or plain package names. */
  packages?: string[];
  /** Globs on the paths the package was found at. */
  paths?: string[];
  /** The file the rule came from, and its line (1-based), for messages. */
  file: string;
  line: number;
}

export type VexFormat = "openvex" | "cyclonedx";

/** A product or subcomponent a VEX statement names: its identifier and the package URL it resolves to. */
export interface VexSubject {
  /** As written: a purl, a bom-ref, a BOM-Link or an IRI. */
  id: string;
  /** The package URL it stands for, when it is one or resolves to one. */
  purl?: string;
}

export interface VexProduct extends VexSubject {
  /** OpenVEX subcomponents: the packages inside the product the statement is about. */
  subcomponents: VexSubject[];
}

/** One VEX statement: a vulnerability's status in some products. */
export interface VexStatement {
  file: string;
  format: VexFormat;
  /** Position in the document (0-based statements[] or vulnerabilities[] index), for messages. */
  index: number;
  vulnerability: string;
  aliases: string[];
  products: VexProduct[];
  /** The document's own word: OpenVEX status or CycloneDX analysis.state. */
  status: string;
  /** Whether the status takes the finding out (not_affected, fixed, false_positive, resolved…). */
  suppresses: boolean;
  justification?: string;
  impactStatement?: string;
  /** ISO 8601; the statement's own, else its document's. */
  timestamp?: string;
}
