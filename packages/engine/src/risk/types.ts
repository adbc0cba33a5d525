/** Severity labels, highest first. "negligible" is a distro's "unimportant"; "unknown" means no data. */
export const SEVERITIES = ["critical", "high", "medium", "low", "negligible", "unknown"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A CVSS base score computed from a vector (never copied from a feed's number). */
export interface CvssScore {
  version: "2.0" | "3.0" | "3.1" | "4.0";
  vector: string;
  baseScore: number;
  /** The severity band of the base score, per the version's specification. */
  severity: Severity;
  /** Which record supplied the vector (e.g. "GHSA-xxxx", "CVE-2023-1234"). */
  source: string;
}

/** FIRST EPSS: probability of exploitation activity in the next 30 days. */
export interface Epss {
  /** 0..1 */
  score: number;
  /** 0..1 */
  percentile: number;
  /** Date the score is for (YYYY-MM-DD). */
  date: string;
}

/** A CISA Known Exploited Vulnerabilities catalog entry. */
export interface Kev {
  dateAdded: string;
  dueDate?: string;
  /** knownRansomwareCampaignUse === "Known". */
  ransomware: boolean;
  vulnerabilityName?: string;
  requiredAction?: string;
}

/**
 * A fact about the environment with where it came from. "measured": observed (sensor, threat graph);
 * "inferred": derived from something else (e.g. a CVSS vector). Absent means unknown.
 */
export interface Evidence<T> {
  value: T;
  basis: "measured" | "inferred";
  /** One short phrase saying how it was obtained ("CVSS AV:N", "reachable from internet via lb-1"). */
  detail?: string;
}
