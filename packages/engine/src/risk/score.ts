import { type AttackVector, attackVectorOf, preferredCvss } from "./cvss.js";
import type { Risk, RiskInput } from "./risk.js";
import { decideSsvc } from "./ssvc.js";
import type { Evidence, Severity } from "./types.js";
import { riskWhy } from "./why.js";

/*
 * The risk score: 100 × severity × likelihood × reach × fix × exposure × inUse, every term a fraction in
 * (0, 1], so 100 needs every term at its top and no clamping is ever needed. docs/risk.md gives the reasons
 * for each constant; the tests pin the ORDER they produce, not the numbers.
 */

/** Base score assumed for a finding with no CVSS vector, from its severity label (about each band's middle). */
const LABEL_BASE: Record<Severity, number> = {
  critical: 9.5,
  high: 8,
  medium: 5.5,
  low: 2.5,
  negligible: 1,
  // No rating at all: a medium, neither buried nor promoted.
  unknown: 5,
};

/** severity = FLOOR + (1 − FLOOR) × base/10: severity orders findings but cannot erase a likely exploit. */
const SEVERITY_FLOOR = 0.4;

/** Observed exploitation (KEV) outranks any prediction; ransomware use is the worst kind of it. */
const KEV_LIKELIHOOD = 0.9;
const KEV_RANSOMWARE_LIKELIHOOD = 1;
/**
 * EPSS maps onto [FLOOR, CEILING] on a log scale from 1e-4 to 1: each tenfold rise in the probability adds
 * the same amount, because EPSS spans four decades and most of the ranking information is in the small ones.
 * The ceiling sits below KEV's 0.9: a predicted exploit never outranks an observed one of equal severity.
 */
const EPSS_FLOOR = 0.1;
const EPSS_CEILING = 0.75;
const EPSS_LOG_MIN = -4;
/** A CVE with no EPSS score (none published yet, or no CVE id at all) counts as a typical one. */
const EPSS_UNKNOWN = 0.005;

const REACH: Record<AttackVector, number> = { network: 1, adjacent: 0.9, local: 0.8, physical: 0.65 };
const REACH_UNKNOWN = 0.9;

/** A fix turns a finding into an action; without one it still ranks, a notch lower. */
const FIX: Record<RiskInput["fixState"], number> = { fixed: 1, "not-fixed": 0.9 };

/** Context terms: measured > inferred > unknown (neutral) > inferred false > measured false. */
interface ContextWeights {
  measuredTrue: number;
  inferredTrue: number;
  unknown: number;
  inferredFalse: number;
  measuredFalse: number;
}
const EXPOSURE: ContextWeights = {
  measuredTrue: 1,
  inferredTrue: 0.95,
  unknown: 0.87,
  inferredFalse: 0.75,
  measuredFalse: 0.6,
};
const IN_USE: ContextWeights = {
  measuredTrue: 1,
  inferredTrue: 0.95,
  unknown: 0.9,
  inferredFalse: 0.75,
  measuredFalse: 0.5,
};

function contextTerm(evidence: Evidence<boolean> | undefined, w: ContextWeights): number {
  if (!evidence || typeof evidence.value !== "boolean") return w.unknown;
  const measured = evidence.basis === "measured";
  if (evidence.value) return measured ? w.measuredTrue : w.inferredTrue;
  return measured ? w.measuredFalse : w.inferredFalse;
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

/** Terms are shown, not recomputed: three decimals keep the JSON free of float noise (0.7000000000000001). */
function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function mapValues(o: Record<string, number>, f: (x: number) => number): Record<string, number> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}

/** The likelihood term of an EPSS probability (monotone non-decreasing in p). */
export function epssLikelihood(probability: number): number {
  const p = Number.isFinite(probability) && probability > 0 ? probability : 0;
  const position = p === 0 ? 0 : clamp01((Math.log10(p) - EPSS_LOG_MIN) / -EPSS_LOG_MIN);
  return EPSS_FLOOR + (EPSS_CEILING - EPSS_FLOOR) * position;
}

/** The 0..10 base the severity term reads: the preferred CVSS vector's score, else the label's nominal base. */
function baseOf(input: RiskInput): number {
  const cvss = preferredCvss(input.cvss ?? []);
  const base = cvss ? cvss.baseScore : (LABEL_BASE[input.severity] ?? LABEL_BASE.unknown);
  // A distro rating the issue "unimportant" for its build overrides the generic CVSS rating.
  return input.severity === "negligible" ? Math.min(base, LABEL_BASE.negligible) : base;
}

function likelihoodOf(input: RiskInput): number {
  if (input.kev) return input.kev.ransomware ? KEV_RANSOMWARE_LIKELIHOOD : KEV_LIKELIHOOD;
  const score = input.epss?.score;
  return epssLikelihood(typeof score === "number" && Number.isFinite(score) ? score : EPSS_UNKNOWN);
}

/**
 * A finding's 0..100 risk with its terms, the one-line why and the CISA BOD 26-04 SSVC decision.
 * Deterministic for a given input and `now` (which only the SSVC due date reads); ties are the caller's.
 */
export function computeRisk(input: RiskInput, now: Date = new Date()): Risk {
  const base = clamp01(baseOf(input) / 10) * 10;
  const attackVector = attackVectorOf(preferredCvss(input.cvss ?? []));
  const severity = SEVERITY_FLOOR + (1 - SEVERITY_FLOOR) * (base / 10);
  const likelihood = likelihoodOf(input);
  const reach = attackVector ? REACH[attackVector] : REACH_UNKNOWN;
  const fix = FIX[input.fixState] ?? FIX["not-fixed"];
  const exposure = contextTerm(input.context?.exposure, EXPOSURE);
  const inUse = contextTerm(input.context?.inUse, IN_USE);
  const product = severity * likelihood * reach * fix * exposure * inUse;
  const score = Math.round(product * 1000) / 10;
  const ssvc = decideSsvc(input, now);
  const factors = mapValues({ base, severity, likelihood, reach, fix, exposure, inUse }, round3);
  return { score, why: riskWhy(input), factors, ...(ssvc ? { ssvc } : {}) };
}
