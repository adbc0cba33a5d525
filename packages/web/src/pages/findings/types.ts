// The findings API's shapes, as the web UI reads them (see packages/console/src/routes/findings.ts). `detail` is
// the engine's finding, whole: a vulnerability, a secret (masked by the console), a malware match or a failed
// posture control (its document: see ../posture/types.ts).

export type Kind = "vuln" | "secret" | "malware" | "posture";
export type Status = "open" | "accepted" | "false-positive";

export interface Decision {
  status: Exclude<Status, "open">;
  reason: string;
  expiresAt: string | null;
  by: string;
  at: string;
}

export interface CvssScore {
  version: string;
  vector: string;
  baseScore: number;
  severity: string;
  source: string;
}

export interface Evidence<T> {
  value: T;
  basis: "measured" | "inferred";
  detail?: string;
}

export interface VulnDetail {
  id: string;
  aliases?: string[];
  title?: string;
  description?: string;
  severitySource?: string;
  vendorSeverity?: string;
  package?: {
    name: string;
    version: string;
    type: string;
    purl: string;
    locations: { path: string; layer?: string; member?: string[] }[];
  };
  matchedOn?: { ecosystem: string; name: string; version: string };
  fixState?: "fixed" | "not-fixed";
  fixedVersions?: string[];
  cvss?: CvssScore[];
  epss?: { score: number; percentile: number; date: string };
  kev?: {
    dateAdded: string;
    dueDate?: string;
    ransomware: boolean;
    vulnerabilityName?: string;
    requiredAction?: string;
  };
  published?: string;
  references?: string[];
  risk?: {
    score: number;
    why: string;
    ssvc?: { outcome: string; dueDate?: string; inputs: Record<string, Evidence<boolean | string>> };
  };
}

export interface SecretDetail {
  ruleId: string;
  title: string;
  path: string;
  layer?: string;
  line: number;
  column: number;
  /** Masked by the engine: never more of the secret than this. */
  preview: string;
  snippet?: string;
  entropy?: number;
}

export interface MalwareDetail {
  ruleId: string;
  pack: string;
  description?: string;
  class?: string;
  reference?: string;
  path: string;
  layer?: string;
  sha256: string;
  size: number;
  archive?: { archive: string; member: string };
  hits?: { identifier: string; offset: number; length: number }[];
}

export interface Finding {
  id: string;
  scanId: string;
  targetKey: string;
  kind: Kind;
  severity: string;
  risk: number;
  kev: boolean;
  epss: number | null;
  fixable: boolean;
  cve: string | null;
  package: { name: string; version: string; purl: string } | null;
  path: string | null;
  nodeId: string | null;
  imageRef: string | null;
  status: Status;
  state: Decision | null;
  detail: unknown;
}

export interface FindingPage {
  findings: Finding[];
  next: string | null;
}

export interface Group {
  key: string;
  count: number;
  maxRisk: number;
  severity: string;
  targets: number;
  package?: { name: string; version: string };
}

export interface Counts {
  total: number;
  bySeverity: Record<string, number>;
  byKind: Record<string, number>;
}

export interface NodeRef {
  id: string;
  hostname: string;
}
