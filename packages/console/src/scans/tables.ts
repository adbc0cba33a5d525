/** The scans tables as Kysely sees them (portable types: text ids, ISO UTC text times, 0/1 ints, JSON text). */
export interface ScanTables {
  scans: ScansTable;
  scan_targets: ScanTargetsTable;
  findings: FindingsTable;
  finding_states: FindingStatesTable;
}

/** What a scan looks at. image-archive and sbom are uploaded to the console; host, container, image are on a node. */
export const TARGET_KINDS = ["image-archive", "sbom", "host", "container", "image"] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export const SCANNERS = ["vuln", "secret", "malware", "posture"] as const;
export type Scanner = (typeof SCANNERS)[number];

export const FINDING_KINDS = ["vuln", "secret", "malware", "posture"] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export const FINDING_STATUSES = ["accepted", "false-positive"] as const;
export type FindingStatusName = (typeof FINDING_STATUSES)[number];

/**
 * One scan. Its state (queued, running, complete…) is its job's: read through job_id, never copied here.
 * What the API shows fast without opening the results (summary, package count) is written with the results,
 * in the transaction that completes the job.
 */
export interface ScansTable {
  id: string;
  target_kind: TargetKind;
  /** What users see: an image's tag, a file name, a node's host name or a container's name. */
  target_ref: string;
  /**
   * Which scans look at the same thing (the latest view, diffs): "image:<name>", "sbom:<name>",
   * "node:<id>/host", "node:<id>/container:<ref>", "node:<id>/image:<ref>". Null until the scan has read
   * its input when the name comes from the input (an image archive's tag).
   */
  target_key: string | null;
  node_id: string | null;
  /** JSON array of Scanner. */
  scanners: string;
  job_id: string | null;
  /** For a node scan the console asked for: the sensor action it sent (set once, so a retry does not resend). */
  action_id: string | null;
  /** Uploaded input under the data dir (image archive, SBOM), deleted once the scan is finished. */
  input_path: string | null;
  /** Actor, as the audit log names it ("user:<id>", "sensor:<node>"). */
  created_by: string;
  created_at: string;
  /** JSON InventorySource of what was read (image id, digests, tags). */
  source: string | null;
  /** JSON ScanSummary: counts by kind and severity. */
  summary: string | null;
  package_count: number | null;
  /** JSON string[]: what the engine warned about. */
  warnings: string | null;
  /** JSON PostureDocument: every control evaluated and the framework view, when the posture scanner ran. */
  posture: string | null;
  /** When the results were stored (the job completes in the same transaction). */
  results_at: string | null;
}

/** Each target's latest scan with results: the default view of findings reads these scans only. */
export interface ScanTargetsTable {
  target_key: string;
  target_kind: TargetKind;
  target_ref: string;
  node_id: string | null;
  latest_scan_id: string;
  /** The latest scan's created_at: a retried older scan finishing late does not replace a newer one. */
  latest_created_at: string;
}

/** One finding of one scan: a vulnerability in a package, a secret in a file, a malware rule on a file. */
export interface FindingsTable {
  id: string;
  scan_id: string;
  target_key: string;
  kind: FindingKind;
  /** Stable across scans of a target (see fingerprint.ts): diffs and accepted states key on it. */
  fingerprint: string;
  severity: string;
  /** 5 = critical … 0 = unknown (SEVERITIES reversed): every sort is descending, so one index direction serves. */
  severity_weight: number;
  /** 0..100: the engine's risk score for vulnerabilities, a nominal one by severity for secrets and malware. */
  risk: number;
  kev: number;
  /** EPSS probability, -1 when unknown (so it sorts last without a null case). */
  epss: number;
  fixable: number;
  /** Publication time of the vulnerability, "" when unknown (sorts last, descending). */
  published: string;
  /** The vulnerability's id (CVE when there is one). */
  cve_id: string | null;
  package_name: string | null;
  package_version: string | null;
  purl: string | null;
  /** Secret and malware findings: the file. */
  path: string | null;
  node_id: string | null;
  image_ref: string | null;
  /** JSON: the engine's Finding, SecretFinding (masked) or MalwareFinding, whole. */
  body: string;
}

/** A user's decision on a finding of a target; an expired one no longer hides it (checked when read). */
export interface FindingStatesTable {
  fingerprint: string;
  target_key: string;
  status: FindingStatusName;
  reason: string;
  expires_at: string | null;
  created_by: string;
  created_at: string;
}
