import { attackVectorOf, preferredCvss } from "./cvss.js";
import type { RiskInput } from "./risk.js";
import type { Evidence } from "./types.js";

const SEPARATOR = " · ";

/** EPSS probabilities as people quote them: two decimals, or one significant digit below 0.01. */
export function formatEpss(score: number): string {
  if (score <= 0) return "0";
  if (score >= 0.01) return score.toFixed(2);
  return Number(score.toPrecision(1)).toString();
}

function evidencePhrase(evidence: Evidence<boolean> | undefined, yes: string, no: string): string | undefined {
  if (!evidence || typeof evidence.value !== "boolean") return undefined;
  return `${evidence.value ? yes : no} (${evidence.basis})`;
}

/**
 * The one line that says why a finding ranks where it does, strongest signal first:
 * "KEV since 2024-03-01 (ransomware) · EPSS 0.94 (p99) · network · fix 1.2.3" or
 * "CVSS 9.8 · EPSS 0.02 (p80) · local · no fix yet". A KEV listing replaces the CVSS score at the front
 * (observed exploitation is the reason, the severity is in its own column); a finding with no vector shows
 * its severity label. Exposure and in-use appear only when known, with how they were learned.
 */
export function riskWhy(input: RiskInput): string {
  const parts: string[] = [];
  const cvss = preferredCvss(input.cvss ?? []);
  if (input.kev) {
    parts.push(`KEV since ${input.kev.dateAdded}${input.kev.ransomware ? " (ransomware)" : ""}`);
  } else if (cvss) {
    parts.push(`CVSS ${cvss.baseScore.toFixed(1)}`);
  } else if (input.severity && input.severity !== "unknown") {
    parts.push(`severity ${input.severity}`);
  }
  const epss = input.epss;
  if (epss && Number.isFinite(epss.score)) {
    // The epsilon keeps 0.29 at p29 (0.29 × 100 is 28.999999999999996 in floating point).
    const percentile = Number.isFinite(epss.percentile) ? ` (p${Math.floor(epss.percentile * 100 + 1e-9)})` : "";
    parts.push(`EPSS ${formatEpss(epss.score)}${percentile}`);
  }
  const attackVector = attackVectorOf(cvss);
  if (attackVector) parts.push(attackVector);
  const exposure = evidencePhrase(input.context?.exposure, "internet-exposed", "not internet-exposed");
  if (exposure) parts.push(exposure);
  const inUse = evidencePhrase(input.context?.inUse, "in use", "not in use");
  if (inUse) parts.push(inUse);
  if (input.fixState === "fixed") parts.push(input.fixedVersion ? `fix ${input.fixedVersion}` : "fix available");
  else parts.push("no fix yet");
  return parts.join(SEPARATOR);
}
