/**
 * Posture controls: what a control is (data, loaded from YAML) and what evaluating it gives.
 *
 * A control names the facts it reads (`input`: a collector, see collectors/) and a CEL expression over them
 * (`check`: true = compliant), the same language Kubernetes admission policies use. A collector returns a list
 * of subjects (one host, each running container, each workload of a manifest); the check runs once per
 * subject with the subject's facts bound to the collector's name. Any subject failing fails the control.
 */

/** What a control is about: which kind of target its collector reads. */
export const PLATFORMS = ["linux", "docker", "kubernetes", "dockerfile"] as const;
export type Platform = (typeof PLATFORMS)[number];

/** The frameworks a control maps to; `--framework` takes these ids. */
export const FRAMEWORKS = ["cis", "nsa", "pci", "hipaa", "nist", "soc2", "gdpr"] as const;
export type FrameworkId = (typeof FRAMEWORKS)[number];

/** Control severities, highest first: the same labels as the other findings. */
export const POSTURE_SEVERITIES = ["critical", "high", "medium", "low"] as const;
export type PostureSeverity = (typeof POSTURE_SEVERITIES)[number];

export interface Control {
  /** Stable, unique: "linux-sshd-root-login". Users disable and override by id. */
  id: string;
  title: string;
  platform: Platform;
  severity: PostureSeverity;
  /** CIS profile level (1: baseline, 2: defence in depth). */
  level: 1 | 2;
  rationale: string;
  remediation: string;
  /** The collector whose subjects the check reads (its name is the CEL variable). */
  input: string;
  /** CEL; false makes the subject not applicable (e.g. sshd not installed). */
  applies?: string;
  /** CEL; true means the subject complies. */
  check: string;
  /** CEL giving a string or a list of strings that shows why a subject failed (the offending files, keys…). */
  evidence?: string;
  /** Framework → requirement ids ("cis" → ["5.1.20"], "pci" → ["2.2.6"]). */
  frameworks: Partial<Record<FrameworkId, string[]>>;
  references?: string[];
  /** Where the control came from: "builtin" or the user's file. */
  origin: string;
}

export type ControlStatus = "pass" | "fail" | "not-applicable" | "error";

/** One subject's failure of a control. */
export interface Violation {
  /** The subject: "host", "/etc/ssh/sshd_config", "container web (3f2a…)", "Deployment default/api". */
  subject: string;
  /** What the control's evidence expression gave. */
  evidence: string[];
  /** Where to look, when the subject is a file (manifest, Dockerfile, config). */
  location?: { path: string; line?: number };
}

/** A control's result on one target. */
export interface ControlResult {
  control: Control;
  status: ControlStatus;
  /** How many subjects the check ran on. */
  subjects: number;
  /** Every failing subject (status "fail"). */
  violations: Violation[];
  /** Why the control could not be evaluated (status "error") or was not applicable. */
  reason?: string;
}

/** One requirement of a framework and the controls that map to it. */
export interface RequirementResult {
  id: string;
  title?: string;
  /** fail when any mapped control failed; pass when the rest passed; not-applicable when none applied. */
  status: Exclude<ControlStatus, "error"> | "error";
  controls: string[];
}

export interface FrameworkResult {
  id: FrameworkId;
  title: string;
  requirements: RequirementResult[];
  passed: number;
  failed: number;
  notApplicable: number;
  /** passed / (passed + failed) × 100, one decimal; undefined when nothing applied. */
  score?: number;
}

/** What a posture scan gives: every control evaluated (never only the failures), and the framework view. */
export interface PostureReport {
  /** The platforms the target offered ("linux" for a root filesystem, "kubernetes" for manifests…). */
  platforms: Platform[];
  results: ControlResult[];
  frameworks: FrameworkResult[];
  warnings: string[];
}
