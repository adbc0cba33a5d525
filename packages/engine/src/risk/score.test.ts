import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../../../test/fixtures/prng.js";
import { scoreCvss } from "./cvss.js";
import type { RiskContext, RiskInput } from "./risk.js";
import { computeRisk, epssLikelihood } from "./score.js";
import type { CvssScore, Evidence, Kev } from "./types.js";

const NOW = new Date("2026-08-20T00:00:00Z");

function cvss(vector: string, source = "test"): CvssScore {
  const s = scoreCvss(vector, source);
  if (!s) throw new Error(`invalid test vector ${vector}`);
  return s;
}

function risk(input: Partial<RiskInput>): number {
  return computeRisk({ cvss: [], severity: "unknown", fixState: "fixed", ...input }, NOW).score;
}

const kev = (dateAdded: string, ransomware = false): Kev => ({ dateAdded, ransomware });

// Realistic findings, with vectors from the feed fixtures and EPSS values of the kind the feed carries.
const LOG4SHELL: RiskInput = {
  cvss: [cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", "GHSA-jfh8-c2jp-5v3q")],
  severity: "critical",
  epss: { score: 0.9445, percentile: 0.9996, date: "2026-08-16" },
  kev: kev("2021-12-10", true),
  fixState: "fixed",
  fixedVersion: "2.15.0",
};
const RAPID_RESET: RiskInput = {
  cvss: [cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", "GHSA-qppj-fm5r-hxr3")],
  severity: "high",
  epss: { score: 0.81, percentile: 0.99, date: "2026-08-16" },
  kev: kev("2023-10-10"),
  fixState: "fixed",
  fixedVersion: "4.1.100.Final",
};
const HIGH_EPSS: RiskInput = {
  cvss: [cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "GHSA-rprw-h62v-c2w7")],
  severity: "critical",
  epss: { score: 0.62, percentile: 0.98, date: "2026-08-16" },
  fixState: "fixed",
  fixedVersion: "5.4",
};
const CRITICAL_UNLIKELY: RiskInput = {
  cvss: [cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "GHSA-36p3-wjmg-h94x")],
  severity: "critical",
  epss: { score: 0.0004, percentile: 0.05, date: "2026-08-16" },
  fixState: "fixed",
  fixedVersion: "5.3.18",
};
const MEDIUM_SOMEWHAT_LIKELY: RiskInput = {
  cvss: [cvss("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:L", "GHSA-vh95-rmgr-6w4m")],
  severity: "medium",
  epss: { score: 0.05, percentile: 0.91, date: "2026-08-16" },
  fixState: "fixed",
  fixedVersion: "1.2.2",
};
const LOW_LOCAL: RiskInput = {
  cvss: [cvss("CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:L/I:N/A:N")],
  severity: "low",
  epss: { score: 0.0004, percentile: 0.05, date: "2026-08-16" },
  fixState: "not-fixed",
};

describe("computeRisk: realistic ordering", () => {
  it("ranks KEV+network+fix > high EPSS > critical CVSS with EPSS 0.0004 > low", () => {
    const ranked = [LOG4SHELL, RAPID_RESET, HIGH_EPSS, MEDIUM_SOMEWHAT_LIKELY, CRITICAL_UNLIKELY, LOW_LOCAL];
    const scores = ranked.map((f) => computeRisk(f, NOW).score);
    const sorted = [...scores].sort((a, b) => b - a);
    expect(scores).toEqual(sorted);
    expect(new Set(scores).size).toBe(scores.length);
  });

  it("ranks an observed exploit above a predicted one of equal severity, even at EPSS 0.99", () => {
    const predicted = { ...RAPID_RESET, kev: undefined, epss: { score: 0.99, percentile: 1, date: "2026-08-16" } };
    expect(risk(RAPID_RESET)).toBeGreaterThan(risk(predicted));
  });

  it("lets exploitation outweigh severity: a likely medium ranks above an unlikely critical", () => {
    expect(risk(MEDIUM_SOMEWHAT_LIKELY)).toBeGreaterThan(risk(CRITICAL_UNLIKELY));
  });

  it("ranks ransomware KEV above plain KEV", () => {
    expect(risk({ ...RAPID_RESET, kev: kev("2023-10-10", true) })).toBeGreaterThan(risk(RAPID_RESET));
  });

  it("ranks a fixable finding above an otherwise equal unfixable one, but only as a tie-breaker", () => {
    expect(risk(HIGH_EPSS)).toBeGreaterThan(risk({ ...HIGH_EPSS, fixState: "not-fixed" }));
    // An exploited issue without a fix still outranks a fixable critical nobody exploits.
    expect(risk({ ...RAPID_RESET, fixState: "not-fixed" })).toBeGreaterThan(risk(CRITICAL_UNLIKELY));
  });

  it("orders attack vectors network > adjacent > local > physical when all else is equal", () => {
    const same = (av: string): CvssScore => ({
      version: "3.1",
      vector: `CVSS:3.1/AV:${av}/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`,
      baseScore: 8,
      severity: "high",
      source: "test",
    });
    const scores = ["N", "A", "L", "P"].map((av) => risk({ ...HIGH_EPSS, cvss: [same(av)] }));
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(new Set(scores).size).toBe(4);
  });

  it("prefers the newest CVSS version's vector", () => {
    const v4low = cvss("CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N");
    const v31high = cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
    const r = computeRisk({ ...HIGH_EPSS, cvss: [v31high, v4low] }, NOW);
    expect(r.factors.base).toBe(v4low.baseScore);
    expect(r.factors.reach).toBeLessThan(1);
  });

  it("ranks findings with no vector by their severity label", () => {
    const labels = ["critical", "high", "medium", "low", "negligible"] as const;
    const scores = labels.map((severity) => risk({ severity, fixState: "fixed" }));
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(new Set(scores).size).toBe(labels.length);
  });

  it("treats a missing EPSS as neither likely nor unlikely", () => {
    const unknown = risk({ ...CRITICAL_UNLIKELY, epss: undefined });
    expect(unknown).toBeGreaterThan(risk(CRITICAL_UNLIKELY));
    expect(unknown).toBeLessThan(risk(HIGH_EPSS));
  });

  it("follows a distro's 'unimportant' over a generic CVSS rating", () => {
    const unimportant = risk({ ...CRITICAL_UNLIKELY, severity: "negligible" });
    const lowNetwork = cvss("CVSS:3.1/AV:N/AC:H/PR:L/UI:R/S:U/C:L/I:N/A:N");
    expect(unimportant).toBeLessThan(risk({ ...CRITICAL_UNLIKELY, cvss: [lowNetwork], severity: "low" }));
  });
});

describe("computeRisk: context", () => {
  const exposure = (value: boolean, basis: Evidence<boolean>["basis"]): RiskContext => ({
    exposure: { value, basis },
  });
  const inUse = (value: boolean, basis: Evidence<boolean>["basis"]): RiskContext => ({ inUse: { value, basis } });

  it("orders exposure measured true > inferred true > unknown > inferred false > measured false", () => {
    const scores = [
      risk({ ...HIGH_EPSS, context: exposure(true, "measured") }),
      risk({ ...HIGH_EPSS, context: exposure(true, "inferred") }),
      risk(HIGH_EPSS),
      risk({ ...HIGH_EPSS, context: exposure(false, "inferred") }),
      risk({ ...HIGH_EPSS, context: exposure(false, "measured") }),
    ];
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(new Set(scores).size).toBe(5);
  });

  it("orders in-use the same way", () => {
    const scores = [
      risk({ ...HIGH_EPSS, context: inUse(true, "measured") }),
      risk({ ...HIGH_EPSS, context: inUse(true, "inferred") }),
      risk(HIGH_EPSS),
      risk({ ...HIGH_EPSS, context: inUse(false, "inferred") }),
      risk({ ...HIGH_EPSS, context: inUse(false, "measured") }),
    ];
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(new Set(scores).size).toBe(5);
  });

  it("reaches 100 only with every term at its top, including measured context", () => {
    const top = {
      ...LOG4SHELL,
      context: {
        exposure: { value: true, basis: "measured" as const },
        inUse: { value: true, basis: "measured" as const },
      },
    };
    expect(risk(top)).toBe(100);
    expect(risk(LOG4SHELL)).toBeLessThan(100);
  });
});

const prng = mulberry32;

const VECTORS = [
  "AV:N/AC:L/Au:N/C:P/I:N/A:N",
  "AV:L/AC:L/Au:N/C:C/I:C/A:C",
  "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H",
  "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
  "CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:C/C:H/I:N/A:N",
  "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N",
  "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N",
  "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:L/SC:N/SI:N/SA:N",
  "CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:P/VC:L/VI:N/VA:L/SC:H/SI:H/SA:H/V:D/U:Clear",
];
const SEVERITY_LABELS = ["critical", "high", "medium", "low", "negligible", "unknown"] as const;

function randomInput(rand: () => number): RiskInput {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const evidence = (): Evidence<boolean> | undefined =>
    rand() < 0.3 ? undefined : { value: rand() < 0.5, basis: rand() < 0.5 ? "measured" : "inferred" };
  const exposure = evidence();
  const inUse = evidence();
  const vectors = rand() < 0.2 ? [] : [cvss(pick(VECTORS))];
  const input: RiskInput = {
    cvss: vectors,
    severity: vectors[0]?.severity ?? pick(SEVERITY_LABELS),
    fixState: rand() < 0.5 ? "fixed" : "not-fixed",
    context: { ...(exposure ? { exposure } : {}), ...(inUse ? { inUse } : {}) },
  };
  if (rand() < 0.8) input.epss = { score: rand() ** 4, percentile: rand(), date: "2026-08-16" };
  if (rand() < 0.15) input.kev = kev("2024-03-01", rand() < 0.3);
  return input;
}

describe("computeRisk: properties", () => {
  const rand = prng(20260820);
  const cases = Array.from({ length: 400 }, () => randomInput(rand));

  it("stays within 0..100 with every term in (0, 1]", () => {
    for (const c of cases) {
      const r = computeRisk(c, NOW);
      expect(r.score).toBeGreaterThanOrEqual(0);
      expect(r.score).toBeLessThanOrEqual(100);
      for (const [name, term] of Object.entries(r.factors)) {
        if (name === "base") {
          expect(term).toBeGreaterThanOrEqual(0);
          expect(term).toBeLessThanOrEqual(10);
        } else {
          expect(term).toBeGreaterThan(0);
          expect(term).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it("never lowers the score when EPSS rises", () => {
    for (const c of cases) {
      const before = computeRisk({ ...c, epss: { score: 0.001, percentile: 0.3, date: "2026-08-16" } }, NOW).score;
      for (const score of [0.002, 0.01, 0.1, 0.5, 0.97]) {
        const after = computeRisk({ ...c, epss: { score, percentile: 0.3, date: "2026-08-16" } }, NOW).score;
        expect(after).toBeGreaterThanOrEqual(before);
      }
    }
  });

  it("never lowers the score when a KEV entry is added", () => {
    for (const c of cases) {
      const without = computeRisk({ ...c, kev: undefined }, NOW).score;
      expect(computeRisk({ ...c, kev: kev("2024-03-01") }, NOW).score).toBeGreaterThanOrEqual(without);
      expect(computeRisk({ ...c, kev: kev("2024-03-01", true) }, NOW).score).toBeGreaterThanOrEqual(without);
    }
  });

  it("never lowers the score when exposure or in-use is measured true", () => {
    const measured: Evidence<boolean> = { value: true, basis: "measured" };
    for (const c of cases) {
      const base = computeRisk(c, NOW).score;
      expect(computeRisk({ ...c, context: { ...c.context, exposure: measured } }, NOW).score).toBeGreaterThanOrEqual(
        base,
      );
      expect(computeRisk({ ...c, context: { ...c.context, inUse: measured } }, NOW).score).toBeGreaterThanOrEqual(base);
    }
  });

  it("never lowers the score when a fix appears", () => {
    for (const c of cases) {
      const unfixed = computeRisk({ ...c, fixState: "not-fixed" }, NOW).score;
      expect(computeRisk({ ...c, fixState: "fixed" }, NOW).score).toBeGreaterThanOrEqual(unfixed);
    }
  });

  it("is deterministic", () => {
    for (const c of cases.slice(0, 50)) expect(computeRisk(c, NOW)).toEqual(computeRisk(structuredClone(c), NOW));
  });

  it("maps EPSS monotonically onto the likelihood term", () => {
    let previous = -1;
    for (let e = -7; e <= 0; e += 0.05) {
      const term = epssLikelihood(10 ** e);
      expect(term).toBeGreaterThanOrEqual(previous);
      previous = term;
    }
    expect(epssLikelihood(0)).toBe(epssLikelihood(1e-9));
    expect(epssLikelihood(Number.NaN)).toBe(epssLikelihood(0));
  });
});

describe("computeRisk: output", () => {
  it("carries the why, the terms and the SSVC decision", () => {
    const r = computeRisk(LOG4SHELL, NOW);
    expect(r.why).toBe("KEV since 2021-12-10 (ransomware) · EPSS 0.94 (p99) · network · fix 2.15.0");
    expect(Object.keys(r.factors).sort()).toEqual([
      "base",
      "exposure",
      "fix",
      "inUse",
      "likelihood",
      "reach",
      "severity",
    ]);
    expect(r.ssvc?.outcome).toBe("3D-F");
  });

  it("leaves the SSVC decision out when there is neither a vector nor a KEV entry", () => {
    const r = computeRisk({ cvss: [], severity: "high", fixState: "fixed" }, NOW);
    expect(r.ssvc).toBeUndefined();
    expect("ssvc" in r).toBe(false);
  });
});
