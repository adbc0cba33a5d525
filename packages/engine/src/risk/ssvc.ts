import { cvssMetrics, preferredCvss } from "./cvss.js";
import type { RiskInput, SsvcDecision, SsvcOutcome } from "./risk.js";
import type { CvssScore, Evidence } from "./types.js";

type YesNo = "yes" | "no";
type Impact = "partial" | "total";

/**
 * The CISA BOD 26-04 decision table (SSVC "CISA BOD 26-04 Remediation Timelines v1.0.0"), row for row as
 * CERT/CC publishes it in the SSVC repository (https://github.com/CERTCC/SSVC,
 * data/csv/cisa/cisa_bod_26_04_1_0_0.csv; Copyright (c) 2020 CERT/CC, MIT License). Columns: In KEV v1.0.0,
 * Publicly Exposed v1.0.0, Automatable v2.0.0, Technical Impact v1.0.0, outcome. testdata/ holds the CSV
 * itself and ssvc.test.ts compares the two.
 */
const BOD_26_04_TABLE: ReadonlyArray<readonly [YesNo, YesNo, YesNo, Impact, string]> = [
  ["no", "no", "no", "partial", "fix on system upgrade"],
  ["yes", "no", "no", "partial", "14 days"],
  ["no", "yes", "no", "partial", "60 days"],
  ["no", "no", "yes", "partial", "60 days"],
  ["no", "no", "no", "total", "fix on system upgrade"],
  ["yes", "yes", "no", "partial", "14 days"],
  ["yes", "no", "yes", "partial", "14 days"],
  ["no", "yes", "yes", "partial", "14 days"],
  ["yes", "no", "no", "total", "14 days"],
  ["no", "yes", "no", "total", "14 days"],
  ["no", "no", "yes", "total", "60 days"],
  ["yes", "yes", "yes", "partial", "3 days"],
  ["yes", "yes", "no", "total", "3 days & forensic investigation"],
  ["yes", "no", "yes", "total", "3 days & forensic investigation"],
  ["no", "yes", "yes", "total", "3 days"],
  ["yes", "yes", "yes", "total", "3 days & forensic investigation"],
];

/** The table's outcome names → our outcome codes, and the calendar days each gives to remediate. */
const OUTCOMES: Record<string, SsvcOutcome> = {
  "fix on system upgrade": "FSU",
  "60 days": "60D",
  "14 days": "14D",
  "3 days": "3D",
  "3 days & forensic investigation": "3D-F",
};
const DUE_DAYS: Record<SsvcOutcome, number | undefined> = { "3D-F": 3, "3D": 3, "14D": 14, "60D": 60, FSU: undefined };

const DAY_MS = 86_400_000;

function yn(b: boolean): YesNo {
  return b ? "yes" : "no";
}

/** The table's outcome for four answers (every combination has exactly one row). */
export function bod2604Outcome(inKev: boolean, exposed: boolean, automatable: boolean, impact: Impact): SsvcOutcome {
  const row = BOD_26_04_TABLE.find(
    ([k, e, a, t]) => k === yn(inKev) && e === yn(exposed) && a === yn(automatable) && t === impact,
  );
  // Unreachable while the table is complete (a test checks it); the mildest outcome keeps this total.
  return (row && OUTCOMES[row[4]]) ?? "FSU";
}

/** The table itself, for docs and tests. */
export function bod2604Table(): ReadonlyArray<readonly [YesNo, YesNo, YesNo, Impact, SsvcOutcome]> {
  return BOD_26_04_TABLE.map(([k, e, a, t, o]) => [k, e, a, t, OUTCOMES[o] ?? "FSU"] as const);
}

/**
 * Publicly Exposed: the environment's answer when the caller has one (the console's threat graph), else
 * inferred from the vector. The rule is conservative, the way a deadline should err: a network attack
 * vector counts as exposed (the asset could be reachable; only the environment can say it is not), any
 * other vector as not exposed (an unauthenticated party on a public network cannot reach a local, adjacent
 * or physical flaw directly), and no vector at all as exposed.
 */
function publiclyExposed(input: RiskInput, metrics: Map<string, string> | undefined): Evidence<boolean> {
  const measured = input.context?.exposure;
  if (measured && typeof measured.value === "boolean") return measured;
  if (!metrics) return { value: true, basis: "inferred", detail: "no CVSS vector: assumed exposed" };
  const av = metrics.get("AV") ?? "?";
  return { value: av === "N", basis: "inferred", detail: `CVSS AV:${av}` };
}

/** The metrics that make exploitation need no foothold, credentials or victim, per CVSS version. */
const NO_BARRIER: Record<CvssScore["version"], Array<[string, string]>> = {
  "4.0": [
    ["AV", "N"],
    ["AC", "L"],
    ["AT", "N"],
    ["PR", "N"],
    ["UI", "N"],
  ],
  "3.1": [
    ["AV", "N"],
    ["AC", "L"],
    ["PR", "N"],
    ["UI", "N"],
  ],
  "3.0": [
    ["AV", "N"],
    ["AC", "L"],
    ["PR", "N"],
    ["UI", "N"],
  ],
  "2.0": [
    ["AV", "N"],
    ["AC", "L"],
    ["Au", "N"],
  ],
};

/**
 * Automatable: a CVSS v4 vector's supplemental AU metric when any vector sets it (the rater's own answer to
 * the SSVC question, so measured; Y wins over N when sources disagree). Otherwise inferred: yes when the
 * preferred vector has no barrier an attack script would stop at (AV:N/AC:L/PR:N/UI:N, plus AT:N in v4,
 * AV:N/AC:L/Au:N in v2), else no, naming the metrics that stand in the way. No vector: no, since SSVC asks
 * for a plausible automation sketch before answering yes.
 */
function automatable(cvss: readonly CvssScore[], preferred: CvssScore | undefined): Evidence<boolean> {
  const au = cvss
    .filter((s) => s.version === "4.0")
    .map((s) => cvssMetrics(s.vector).get("AU"))
    .filter((v): v is string => v === "Y" || v === "N");
  if (au.length > 0) {
    const value = au.includes("Y");
    return { value, basis: "measured", detail: `CVSS v4 AU:${value ? "Y" : "N"}` };
  }
  if (!preferred) return { value: false, basis: "inferred", detail: "no CVSS vector" };
  const metrics = cvssMetrics(preferred.vector);
  const rule = NO_BARRIER[preferred.version];
  const barriers = rule.filter(([m, v]) => metrics.get(m) !== v).map(([m]) => `${m}:${metrics.get(m) ?? "?"}`);
  if (barriers.length === 0)
    return { value: true, basis: "inferred", detail: `CVSS ${rule.map(([m, v]) => `${m}:${v}`).join("/")}` };
  return { value: false, basis: "inferred", detail: `CVSS ${barriers.join("/")}` };
}

/** Impact metric names and their "all of it" value, per CVSS version (v4: the vulnerable system's). */
const IMPACT: Record<CvssScore["version"], { names: [string, string, string]; full: string }> = {
  "4.0": { names: ["VC", "VI", "VA"], full: "H" },
  "3.1": { names: ["C", "I", "A"], full: "H" },
  "3.0": { names: ["C", "I", "A"], full: "H" },
  "2.0": { names: ["C", "I", "A"], full: "C" },
};

/**
 * Technical Impact, inferred from the preferred vector: total when confidentiality, integrity and
 * availability are all at their highest (C:H/I:H/A:H, VC:H/VI:H/VA:H, v2 C:C/I:C/A:C): the profile of code
 * execution or full privileges, SSVC's tests for total control. Anything less is partial. No vector:
 * total, the conservative answer.
 */
function technicalImpact(preferred: CvssScore | undefined): Evidence<Impact> {
  if (!preferred) return { value: "total", basis: "inferred", detail: "no CVSS vector: assumed total" };
  const metrics = cvssMetrics(preferred.vector);
  const { names, full } = IMPACT[preferred.version];
  const values = names.map((n) => `${n}:${metrics.get(n) ?? "?"}`);
  const total = names.every((n) => metrics.get(n) === full);
  return { value: total ? "total" : "partial", basis: "inferred", detail: `CVSS ${values.join("/")}` };
}

/** YYYY-MM-DD of a date plus some calendar days, in UTC. */
function addDays(start: Date, days: number): string {
  const day = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate());
  return new Date(day + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The CISA BOD 26-04 decision for a finding, or undefined when there is neither a CVSS vector nor a KEV
 * entry (three of the four inputs would be guesses). The due date counts calendar days from
 * input.detectedAt (an ISO date or timestamp; `now` when absent or unreadable); FSU has none.
 */
export function decideSsvc(input: RiskInput, now: Date = new Date()): SsvcDecision | undefined {
  const cvss = input.cvss ?? [];
  const preferred = preferredCvss(cvss);
  if (!preferred && !input.kev) return undefined;
  const metrics = preferred ? cvssMetrics(preferred.vector) : undefined;
  const inputs: SsvcDecision["inputs"] = {
    inKev: input.kev
      ? { value: true, basis: "measured", detail: `KEV since ${input.kev.dateAdded}` }
      : { value: false, basis: "measured", detail: "not in the KEV catalog" },
    publiclyExposed: publiclyExposed(input, metrics),
    automatable: automatable(cvss, preferred),
    technicalImpact: technicalImpact(preferred),
  };
  const outcome = bod2604Outcome(
    inputs.inKev.value,
    inputs.publiclyExposed.value,
    inputs.automatable.value,
    inputs.technicalImpact.value,
  );
  const days = DUE_DAYS[outcome];
  const detected = input.detectedAt ? new Date(input.detectedAt) : now;
  const start = Number.isNaN(detected.getTime()) ? now : detected;
  return {
    tree: "CISA BOD 26-04 1.0.0",
    outcome,
    ...(days !== undefined ? { dueDate: addDays(start, days) } : {}),
    inputs,
  };
}
