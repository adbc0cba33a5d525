import * as cvssModule from "ae-cvss-calculator";
import { memo } from "../memo.js";
import type { CvssScore, Severity } from "./types.js";

// ae-cvss-calculator ships one CommonJS bundle. Node's ESM loader cannot see its named exports (the classes
// are on the default export); bundlers and CommonJS loaders that honour __esModule expose them directly.
const cvssLib: typeof cvssModule = (cvssModule as unknown as { default?: typeof cvssModule }).default ?? cvssModule;
const { Cvss2, Cvss3P0, Cvss3P1, Cvss4P0 } = cvssLib;

type CvssVersion = CvssScore["version"];

/** Longer than any real vector (a v4 vector with every optional metric is about 190 characters). */
const MAX_VECTOR_LENGTH = 512;
const METRIC = /^[A-Za-z]{1,4}:[A-Za-z]{1,6}$/;

const PREFIXES: Array<[string, CvssVersion]> = [
  ["CVSS:4.0/", "4.0"],
  ["CVSS:3.1/", "3.1"],
  ["CVSS:3.0/", "3.0"],
];

/**
 * Splits a vector into its version and metrics, or undefined when it is not well formed: unknown prefix,
 * an empty or malformed part, or a metric given twice (the specifications allow each metric once). Metric
 * names and values are checked by the calculator afterwards.
 */
function parseCvssVectorUncached(vector: string): { version: CvssVersion; metrics: Map<string, string> } | undefined {
  if (typeof vector !== "string") return undefined;
  const text = vector.trim();
  if (text === "" || text.length > MAX_VECTOR_LENGTH) return undefined;
  let version: CvssVersion = "2.0";
  let body = text;
  const prefix = PREFIXES.find(([p]) => text.startsWith(p));
  if (prefix) {
    version = prefix[1];
    body = text.slice(prefix[0].length);
  } else if (text.startsWith("CVSS:")) {
    return undefined;
  }
  const metrics = new Map<string, string>();
  for (const part of body.split("/")) {
    if (!METRIC.test(part)) return undefined;
    const [name = "", value = ""] = part.split(":");
    if (metrics.has(name)) return undefined;
    metrics.set(name, value);
  }
  return { version, metrics };
}

/**
 * The base score of a CVSS v2.0, v3.0, v3.1 or v4.0 vector, or undefined when the vector is not valid
 * (never throws). Scores come from ae-cvss-calculator, which matches the specifications' reference
 * calculators (for v4.0 FIRST's current calculator, including its rounding fix) on every base vector.
 *
 * The score is the BASE score: v2/v3 temporal and environmental metrics are ignored, and for v4.0 the
 * threat and environmental metrics are left out (CVSS-B). A vector's "E:U" does not lower the score here:
 * exploitation evidence enters the risk score through KEV and EPSS instead, so it is not counted twice.
 */
export function scoreCvss(vector: string, source: string): CvssScore | undefined {
  const scored = scoreOnce(vector);
  return scored ? { ...scored, source } : undefined;
}

/** Scores each distinct vector once: the same NVD vectors recur across many findings. */
const scoreOnce = memo((vector: string) => scoreVector(vector));

function scoreVector(vector: string): Omit<CvssScore, "source"> | undefined {
  const parsed = parseCvssVector(vector);
  if (!parsed) return undefined;
  const text = vector.trim();
  let baseScore: number | undefined;
  try {
    switch (parsed.version) {
      case "4.0": {
        const v = new Cvss4P0(text);
        if (v.isBaseFullyDefined()) baseScore = v.calculateScores().baseMetricsOnly;
        break;
      }
      case "3.1": {
        const v = new Cvss3P1(text);
        if (v.isBaseFullyDefined()) baseScore = v.calculateScores().base;
        break;
      }
      case "3.0": {
        const v = new Cvss3P0(text);
        if (v.isBaseFullyDefined()) baseScore = v.calculateScores().base;
        break;
      }
      case "2.0": {
        const v = new Cvss2(text);
        if (v.isBaseFullyDefined()) baseScore = v.calculateScores().base;
        break;
      }
    }
  } catch {
    // The calculator throws on unknown metrics or values: that is an invalid vector.
    return undefined;
  }
  if (typeof baseScore !== "number" || !Number.isFinite(baseScore) || baseScore < 0 || baseScore > 10) {
    return undefined;
  }
  return {
    version: parsed.version,
    vector: text,
    baseScore,
    severity: severityOfScore(parsed.version, baseScore),
  };
}

/**
 * The qualitative rating of a base score. v2 (NVD's bands, the v2 guide defines none): 0.0-3.9 low,
 * 4.0-6.9 medium, 7.0-10.0 high. v3.x and v4.0 (the specifications' rating scale): 0.1-3.9 low,
 * 4.0-6.9 medium, 7.0-8.9 high, 9.0-10.0 critical; their "None" (0.0, no impact at all) maps to
 * "negligible", the lowest real severity, rather than "unknown", which means there is no data.
 */
export function severityOfScore(version: CvssVersion, score: number): Severity {
  if (!Number.isFinite(score) || score < 0 || score > 10) return "unknown";
  if (version === "2.0") return score >= 7 ? "high" : score >= 4 ? "medium" : "low";
  if (score >= 9) return "critical";
  if (score >= 7) return "high";
  if (score >= 4) return "medium";
  if (score > 0) return "low";
  return "negligible";
}

/**
 * Feed severity labels, lower-case. GHSA database_specific.severity (CRITICAL/HIGH/MODERATE/LOW), Debian
 * urgency (unimportant/low/medium/high), Ubuntu priority (negligible/low/medium/high/critical), Red Hat and
 * SUSE impact (important/moderate), OSV/CVSS "none". Labels that are not a rating ("not yet assigned",
 * "end-of-life", "untriaged", "unknown") map to undefined so the caller falls back to other data.
 */
const LABELS: Record<string, Severity> = {
  critical: "critical",
  high: "high",
  important: "high",
  moderate: "medium",
  medium: "medium",
  low: "low",
  negligible: "negligible",
  unimportant: "negligible",
  none: "negligible",
};

export function severityFromLabel(label: string): Severity | undefined {
  if (typeof label !== "string") return undefined;
  const key = label.trim().toLowerCase();
  return Object.hasOwn(LABELS, key) ? LABELS[key] : undefined;
}

const VERSION_RANK: Record<CvssVersion, number> = { "4.0": 0, "3.1": 1, "3.0": 2, "2.0": 3 };

/**
 * The vector the risk score and the SSVC inputs read: the newest CVSS version present (its metrics describe
 * the vulnerability best: v4 separates the vulnerable system from subsequent ones and adds AT), and within
 * one version the highest base score, since several sources (the GHSA and NVD) may rate one issue.
 */
export function preferredCvss(scores: readonly CvssScore[]): CvssScore | undefined {
  let best: CvssScore | undefined;
  for (const s of scores) if (!best || byCvssPreference(s, best) < 0) best = s;
  return best;
}

/** Orders scores as preferredCvss chooses: newest version first, then highest base score. */
export const byCvssPreference = (a: CvssScore, b: CvssScore): number =>
  VERSION_RANK[a.version] - VERSION_RANK[b.version] || b.baseScore - a.baseScore;

/** The metrics of a vector by abbreviation ("AV" → "N"); empty when the vector is malformed. */
export function cvssMetrics(vector: string): Map<string, string> {
  return parseCvssVector(vector)?.metrics ?? new Map();
}

export type AttackVector = "network" | "adjacent" | "local" | "physical";

const ATTACK_VECTORS: Record<string, AttackVector> = { N: "network", A: "adjacent", L: "local", P: "physical" };

/** The AV metric of a score's vector, named (all four CVSS versions use N/A/L/P; v2 has no P). */
export function attackVectorOf(score: CvssScore | undefined): AttackVector | undefined {
  const av = score ? cvssMetrics(score.vector).get("AV") : undefined;
  return av ? ATTACK_VECTORS[av] : undefined;
}

/** Parsed once per distinct vector (see memo); the result is read-only. */
export const parseCvssVector = memo(parseCvssVectorUncached);
