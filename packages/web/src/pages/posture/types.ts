// The posture API's shapes as the web UI reads them (see packages/console/src/routes/{posture,scans}.ts):
// GET /posture (the estate), GET /scans/{id}/posture (one scan's every control), and a posture finding's detail.

export type ControlStatus = "pass" | "fail" | "not-applicable" | "error";
export type Platform = "linux" | "docker" | "kubernetes" | "dockerfile";

/** One subject's failure of a control: what failed, why (the control's evidence), and where to look. */
export interface Violation {
  subject: string;
  evidence: string[];
  location?: { path: string; line?: number };
}

/** A control's result on one target: the control's text (never its check) and what evaluating it gave. */
export interface Control {
  id: string;
  title: string;
  platform: Platform;
  severity: "critical" | "high" | "medium" | "low";
  level: 1 | 2;
  status: ControlStatus;
  subjects: number;
  reason?: string;
  violations: Violation[];
  rationale: string;
  remediation: string;
  /** Framework id → its requirement ids ("cis" → ["5.1.20"]). */
  frameworks: Record<string, string[]>;
  references?: string[];
  origin: string;
}

export interface Requirement {
  id: string;
  title?: string;
  status: ControlStatus;
  controls: string[];
}

/** A framework's result: requirements passed, failed and not applicable, and the score when any applied. */
export interface FrameworkScore {
  id: string;
  title: string;
  passed: number;
  failed: number;
  notApplicable: number;
  score?: number;
}

export interface Framework extends FrameworkScore {
  requirements: Requirement[];
}

/** GET /scans/{id}/posture. */
export interface PostureDocument {
  platforms: Platform[];
  summary: Partial<Record<ControlStatus, number>>;
  controls: Control[];
  frameworks: Framework[];
}

/** A scan's posture at a glance (a scan's summary.posture). */
export interface PostureSummary {
  controls: Partial<Record<ControlStatus, number>>;
  frameworks: FrameworkScore[];
}

export interface TargetPosture {
  targetKey: string;
  targetKind: string;
  targetRef: string;
  nodeId: string | null;
  scanId: string;
  scannedAt: string;
  posture: PostureSummary;
}

/** GET /posture: each target's latest posture scan, and each framework summed over them. */
export interface EstatePosture {
  frameworks: (FrameworkScore & { targets: number })[];
  targets: TargetPosture[];
}
