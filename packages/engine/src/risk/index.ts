// Severity and exploit-aware risk for vulnerability findings: CVSS scoring, the 0..100 risk score, its
// one-line why, and the CISA BOD 26-04 SSVC decision. docs/risk.md explains the formula.
export {
  type AttackVector,
  attackVectorOf,
  cvssMetrics,
  parseCvssVector,
  preferredCvss,
  scoreCvss,
  severityFromLabel,
  severityOfScore,
} from "./cvss.js";
export type { Risk, RiskContext, RiskInput, SsvcDecision, SsvcOutcome } from "./risk.js";
export { computeRisk, epssLikelihood } from "./score.js";
export { bod2604Outcome, bod2604Table, decideSsvc } from "./ssvc.js";
export { type CvssScore, type Epss, type Evidence, type Kev, SEVERITIES, type Severity } from "./types.js";
export { formatEpss, riskWhy } from "./why.js";
