import { describe, expect, it } from "vitest";
import { scoreCvss } from "./cvss.js";
import type { RiskInput } from "./risk.js";
import type { CvssScore } from "./types.js";
import { formatEpss, riskWhy } from "./why.js";

function cvss(vector: string): CvssScore {
  const s = scoreCvss(vector, "test");
  if (!s) throw new Error(`invalid test vector ${vector}`);
  return s;
}

function input(over: Partial<RiskInput>): RiskInput {
  return { cvss: [], severity: "unknown", fixState: "not-fixed", ...over };
}

describe("riskWhy", () => {
  it("leads with KEV (and ransomware) when listed", () => {
    expect(
      riskWhy(
        input({
          cvss: [cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H")],
          kev: { dateAdded: "2024-03-01", ransomware: true },
          epss: { score: 0.9432, percentile: 0.9991, date: "2026-08-16" },
          fixState: "fixed",
          fixedVersion: "1.2.3",
        }),
      ),
    ).toBe("KEV since 2024-03-01 (ransomware) · EPSS 0.94 (p99) · network · fix 1.2.3");
  });

  it("leads with the CVSS score otherwise", () => {
    expect(
      riskWhy(
        input({
          cvss: [cvss("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"), cvss("AV:N/AC:L/Au:N/C:C/I:C/A:C")],
          epss: { score: 0.0213, percentile: 0.8, date: "2026-08-16" },
        }),
      ),
    ).toBe("CVSS 7.8 · EPSS 0.02 (p80) · local · no fix yet");
  });

  it("falls back to the severity label and says nothing it does not know", () => {
    expect(riskWhy(input({ severity: "high", fixState: "fixed" }))).toBe("severity high · fix available");
    expect(riskWhy(input({}))).toBe("no fix yet");
  });

  it("mentions exposure and in-use only when known, with how they were learned", () => {
    const base = input({ cvss: [cvss("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")] });
    expect(riskWhy({ ...base, context: { exposure: { value: true, basis: "measured" } } })).toBe(
      "CVSS 9.3 · network · internet-exposed (measured) · no fix yet",
    );
    expect(
      riskWhy({
        ...base,
        context: { exposure: { value: false, basis: "inferred" }, inUse: { value: true, basis: "measured" } },
      }),
    ).toBe("CVSS 9.3 · network · not internet-exposed (inferred) · in use (measured) · no fix yet");
    expect(riskWhy({ ...base, context: { inUse: { value: false, basis: "measured" } } })).toBe(
      "CVSS 9.3 · network · not in use (measured) · no fix yet",
    );
  });

  it("is stable for equal input", () => {
    const i = input({
      cvss: [cvss("CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N")],
      epss: { score: 0.5, percentile: 0.29, date: "2026-08-16" },
    });
    expect(riskWhy(i)).toBe(riskWhy(structuredClone(i)));
    expect(riskWhy(i)).toBe("CVSS 6.5 · EPSS 0.50 (p29) · adjacent · no fix yet");
  });
});

describe("formatEpss", () => {
  it("uses two decimals, or one significant digit below 0.01", () => {
    expect(formatEpss(0.9445)).toBe("0.94");
    expect(formatEpss(0.0213)).toBe("0.02");
    expect(formatEpss(0.00043)).toBe("0.0004");
    expect(formatEpss(0.0047)).toBe("0.005");
    expect(formatEpss(0)).toBe("0");
    expect(formatEpss(1)).toBe("1.00");
  });
});
