/**
 * The OSV schema (https://ossf.github.io/osv-schema/), the one vulnerability model inside Rampart.
 * Every feed is translated into it at the edge; the DB stores it; matching reads it.
 */

export type OsvSeverityType = "CVSS_V2" | "CVSS_V3" | "CVSS_V4" | "Ubuntu" | (string & {});

export interface OsvSeverity {
  type: OsvSeverityType;
  /** A CVSS vector string for the CVSS types; a label for the others. */
  score: string;
}

export type OsvEvent = { introduced: string } | { fixed: string } | { last_affected: string } | { limit: string };

export interface OsvRange {
  type: "SEMVER" | "ECOSYSTEM" | "GIT";
  repo?: string;
  events: OsvEvent[];
  database_specific?: Record<string, unknown>;
}

export interface OsvAffected {
  package?: { ecosystem: string; name: string; purl?: string };
  severity?: OsvSeverity[];
  ranges?: OsvRange[];
  versions?: string[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}

export interface OsvReference {
  type: string;
  url: string;
}

export interface OsvRecord {
  schema_version?: string;
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  related?: string[];
  upstream?: string[];
  summary?: string;
  details?: string;
  severity?: OsvSeverity[];
  affected?: OsvAffected[];
  references?: OsvReference[];
  credits?: unknown[];
  database_specific?: Record<string, unknown>;
}
