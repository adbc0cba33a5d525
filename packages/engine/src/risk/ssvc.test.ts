import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { scoreCvss } from "./cvss.js";
import type { RiskInput } from "./risk.js";
import { bod2604Outcome, bod2604Table, decideSsvc } from "./ssvc.js";
import type { CvssScore } from "./types.js";

const NOW = new Date("2026-08-20T15:30:00Z");

function cvss(vector: string): CvssScore {
  const s = scoreCvss(vector, "test");
  if (!s) throw new Error(`invalid test vector ${vector}`);
  return s;
}

function input(over: Partial<RiskInput>): RiskInput {
  return { cvss: [], severity: "unknown", fixState: "fixed", ...over };
}

const RCE_V31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
const KEV = { dateAdded: "2024-03-01", ransomware: false };

describe("the BOD 26-04 table", () => {
  it("is the CERT/CC CSV, row for row", () => {
    const csv = readFileSync(new URL("./testdata/cisa_bod_26_04_1_0_0.csv", import.meta.url), "utf8");
    const outcomeCodes: Record<string, string> = {
      "fix on system upgrade": "FSU",
      "60 days": "60D",
      "14 days": "14D",
      "3 days": "3D",
      "3 days & forensic investigation": "3D-F",
    };
    const rows = csv
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => {
        const [, kev, exposed, automatable, impact, outcome] = line.split(",");
        return [kev, exposed, automatable, impact, outcomeCodes[outcome ?? ""]];
      });
    expect(rows).toHaveLength(16);
    expect(bod2604Table()).toEqual(rows);
  });

  it("answers every combination of the four inputs exactly once", () => {
    const keys = bod2604Table().map(([k, e, a, t]) => `${k}${e}${a}${t}`);
    expect(new Set(keys).size).toBe(16);
  });

  it("gives forensic triage only to KEV vulnerabilities with total impact that are exposed or automatable", () => {
    expect(bod2604Outcome(true, true, true, "total")).toBe("3D-F");
    expect(bod2604Outcome(true, true, false, "total")).toBe("3D-F");
    expect(bod2604Outcome(true, false, true, "total")).toBe("3D-F");
    expect(bod2604Outcome(false, true, true, "total")).toBe("3D");
    expect(bod2604Outcome(false, false, false, "partial")).toBe("FSU");
  });
});

describe("decideSsvc", () => {
  it("decides nothing without a vector or a KEV entry", () => {
    expect(decideSsvc(input({ severity: "critical" }), NOW)).toBeUndefined();
  });

  it("infers every input but KEV from a v3.1 network RCE vector", () => {
    const d = decideSsvc(input({ cvss: [cvss(RCE_V31)] }), NOW);
    expect(d).toEqual({
      tree: "CISA BOD 26-04 1.0.0",
      outcome: "3D",
      dueDate: "2026-08-23",
      inputs: {
        inKev: { value: false, basis: "measured", detail: "not in the KEV catalog" },
        publiclyExposed: { value: true, basis: "inferred", detail: "CVSS AV:N" },
        automatable: { value: true, basis: "inferred", detail: "CVSS AV:N/AC:L/PR:N/UI:N" },
        technicalImpact: { value: "total", basis: "inferred", detail: "CVSS C:H/I:H/A:H" },
      },
    });
  });

  it("calls a KEV network RCE 3 days with forensic triage", () => {
    const d = decideSsvc(input({ cvss: [cvss(RCE_V31)], kev: KEV }), NOW);
    expect(d?.outcome).toBe("3D-F");
    expect(d?.inputs.inKev).toEqual({ value: true, basis: "measured", detail: "KEV since 2024-03-01" });
  });

  it("reads a local privilege escalation in KEV (sudo, CVE-2021-3156) as 14 days", () => {
    const d = decideSsvc(input({ cvss: [cvss("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H")], kev: KEV }), NOW);
    expect(d?.outcome).toBe("14D");
    expect(d?.inputs.publiclyExposed).toEqual({ value: false, basis: "inferred", detail: "CVSS AV:L" });
    expect(d?.inputs.automatable).toEqual({ value: false, basis: "inferred", detail: "CVSS AV:L/PR:L" });
  });

  it("defers a partial, non-automatable, non-KEV local issue to the next upgrade, with no due date", () => {
    const d = decideSsvc(input({ cvss: [cvss("CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:C/C:H/I:N/A:N")] }), NOW);
    expect(d?.outcome).toBe("FSU");
    expect(d && "dueDate" in d).toBe(false);
    expect(d?.inputs.technicalImpact).toEqual({ value: "partial", basis: "inferred", detail: "CVSS C:H/I:N/A:N" });
  });

  it("uses measured exposure from the context over the vector", () => {
    const d = decideSsvc(
      input({
        cvss: [cvss(RCE_V31)],
        kev: KEV,
        context: { exposure: { value: false, basis: "measured", detail: "no route from the internet" } },
      }),
      NOW,
    );
    expect(d?.inputs.publiclyExposed).toEqual({
      value: false,
      basis: "measured",
      detail: "no route from the internet",
    });
    expect(d?.outcome).toBe("3D-F"); // KEV, not exposed, automatable, total
    const partial = decideSsvc(
      input({
        cvss: [cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H")],
        context: { exposure: { value: false, basis: "measured" } },
      }),
      NOW,
    );
    expect(partial?.outcome).toBe("60D"); // not KEV, not exposed, automatable, partial
  });

  it("takes Automatable from a CVSS v4 AU metric as measured", () => {
    // GHSA-43mq-6xmg-29vm (CVE-2024-53677): AC:H and AT:P would infer "no"; the rater said AU:Y.
    const v4 = cvss("CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/S:N/AU:Y/R:A/V:C/RE:L/U:Red");
    const d = decideSsvc(input({ cvss: [v4] }), NOW);
    expect(d?.inputs.automatable).toEqual({ value: true, basis: "measured", detail: "CVSS v4 AU:Y" });
    expect(d?.inputs.technicalImpact.value).toBe("total");
    const withoutAu = cvss("CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H");
    expect(decideSsvc(input({ cvss: [withoutAu] }), NOW)?.inputs.automatable).toEqual({
      value: false,
      basis: "inferred",
      detail: "CVSS AC:H/AT:P",
    });
  });

  it("infers from v2 vectors too", () => {
    const d = decideSsvc(input({ cvss: [cvss("AV:N/AC:L/Au:N/C:C/I:C/A:C")] }), NOW);
    expect(d?.inputs.automatable).toEqual({ value: true, basis: "inferred", detail: "CVSS AV:N/AC:L/Au:N" });
    expect(d?.inputs.technicalImpact).toEqual({ value: "total", basis: "inferred", detail: "CVSS C:C/I:C/A:C" });
  });

  it("assumes the worst for a KEV entry with no vector, and says so", () => {
    const d = decideSsvc(input({ kev: KEV }), NOW);
    expect(d?.inputs.publiclyExposed).toEqual({
      value: true,
      basis: "inferred",
      detail: "no CVSS vector: assumed exposed",
    });
    expect(d?.inputs.automatable).toEqual({ value: false, basis: "inferred", detail: "no CVSS vector" });
    expect(d?.inputs.technicalImpact).toEqual({
      value: "total",
      basis: "inferred",
      detail: "no CVSS vector: assumed total",
    });
    expect(d?.outcome).toBe("3D-F");
  });

  it("counts calendar days from detectedAt, else from now", () => {
    const v = [cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H")]; // 60D when not exposed and not KEV
    const notExposed = { exposure: { value: false, basis: "measured" as const } };
    expect(decideSsvc(input({ cvss: v, context: notExposed, detectedAt: "2024-12-15" }), NOW)?.dueDate).toBe(
      "2025-02-13",
    );
    expect(decideSsvc(input({ cvss: v, context: notExposed, detectedAt: "2024-02-27T23:59:00Z" }), NOW)?.dueDate).toBe(
      "2024-04-27",
    );
    expect(decideSsvc(input({ cvss: v, context: notExposed }), NOW)?.dueDate).toBe("2026-10-19");
    expect(decideSsvc(input({ cvss: v, context: notExposed, detectedAt: "not a date" }), NOW)?.dueDate).toBe(
      "2026-10-19",
    );
  });
});
