import type { CvssScore, Epss, Evidence, Kev, Severity } from "./types.js";

/**
 * What the environment adds to a finding's risk. The CLI knows neither; the console fills them in from the
 * threat graph (exposure) and the sensor's in-use data. Absent = unknown, which the score treats neutrally.
 */
export interface RiskContext {
  /** The workload is reachable from the internet. */
  exposure?: Evidence<boolean>;
  /** The vulnerable package is loaded or executed by a running process. */
  inUse?: Evidence<boolean>;
}

/** Everything the risk score and the SSVC decision read. */
export interface RiskInput {
  cvss: CvssScore[];
  severity: Severity;
  epss?: Epss;
  kev?: Kev;
  fixState: "fixed" | "not-fixed";
  /** The lowest fixing version, shown in the why. */
  fixedVersion?: string;
  context?: RiskContext;
  /** When the finding was first detected (ISO date); SSVC due dates count from it. Defaults to now. */
  detectedAt?: string;
}

/** CISA BOD 26-04 SSVC outcomes: 3 days + forensic triage, 3 days, 14 days, 60 days, fix on system upgrade. */
export type SsvcOutcome = "3D-F" | "3D" | "14D" | "60D" | "FSU";

export interface SsvcDecision {
  tree: "CISA BOD 26-04 1.0.0";
  outcome: SsvcOutcome;
  /** Remediation due date (YYYY-MM-DD); absent for FSU. */
  dueDate?: string;
  /** Each decision input with whether it was measured or inferred. */
  inputs: {
    inKev: Evidence<boolean>;
    publiclyExposed: Evidence<boolean>;
    automatable: Evidence<boolean>;
    technicalImpact: Evidence<"partial" | "total">;
  };
}

/** A finding's rank and the evidence behind it. */
export interface Risk {
  /** 0..100, higher first. See docs/risk.md for the formula. */
  score: number;
  /** One line a human reads: "KEV since 2024-03-01 · EPSS 0.94 · network · fix 1.2.3". */
  why: string;
  /** The terms of the score, so a UI can show them. */
  factors: Record<string, number>;
  /** Absent when an input cannot even be inferred (no CVSS vector and no KEV entry). */
  ssvc?: SsvcDecision;
}
