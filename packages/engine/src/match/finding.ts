import type { Location, PackageType } from "../package/package.js";
import type { Risk } from "../risk/risk.js";
import type { CvssScore, Epss, Kev, Severity } from "../risk/types.js";

/** Whether a fix exists for the matched package in the matched ecosystem (or distro release). */
export type FixState = "fixed" | "not-fixed";

/** The package a finding is about, as the inventory described it. */
export interface FindingPackage {
  name: string;
  version: string;
  type: PackageType;
  purl: string;
  locations: Location[];
}

/** What was looked up in the DB: for Debian, the source package and its version in a release. */
export interface MatchKey {
  /** OSV ecosystem, with release for distros ("Debian:12", "Alpine:v3.19", "npm"). */
  ecosystem: string;
  name: string;
  version: string;
}

/** One vulnerability affecting one package. Aliases are folded: a GHSA and its CVE are one finding. */
export interface Finding {
  /** The id shown to users: the CVE when there is one, else the advisory's own id. */
  id: string;
  /** Every other id the same vulnerability goes by (GHSA, DSA, PYSEC, GO…), sorted. */
  aliases: string[];
  /** OSV record ids that matched and were folded into this finding. */
  advisories: string[];
  package: FindingPackage;
  matchedOn: MatchKey;
  fixState: FixState;
  /** Versions that fix it, lowest first (empty when not-fixed). */
  fixedVersions: string[];
  severity: Severity;
  /** Where the severity came from: "cvss 3.1", "cvss 4.0", "ghsa", "debian urgency"… */
  severitySource: string;
  /** The distro's own rating when it has one (Debian urgency: "unimportant", "low"…). */
  vendorSeverity?: string;
  cvss: CvssScore[];
  epss?: Epss;
  kev?: Kev;
  title?: string;
  description?: string;
  published?: string;
  modified?: string;
  references: string[];
  risk: Risk;
}
