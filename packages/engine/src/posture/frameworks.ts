import type { ControlResult, FrameworkId, FrameworkResult, Platform, RequirementResult } from "./control.js";
import { FRAMEWORKS } from "./control.js";

/** What each framework id stands for, as auditors name it. */
export const FRAMEWORK_TITLES: Record<FrameworkId, string> = {
  cis: "CIS Benchmarks (Debian Linux 12 v1.1.0, Docker v1.7.0, Kubernetes v1.9.0)",
  nsa: "NSA-CISA Kubernetes Hardening Guidance v1.2",
  pci: "PCI DSS v4.0",
  hipaa: "HIPAA Security Rule (45 CFR 164 Subpart C)",
  nist: "NIST SP 800-53 Rev. 5",
  soc2: "SOC 2 Trust Services Criteria (2017, rev. 2022)",
  gdpr: "GDPR (Regulation (EU) 2016/679)",
};

/**
 * CIS section numbers are per benchmark (Debian's 1.1.1 is not Docker's 1.1.1): the framework view prefixes
 * them with the benchmark the control's platform belongs to.
 */
export const CIS_BENCHMARK: Record<Platform, string> = {
  linux: "Debian Linux 12",
  docker: "Docker",
  dockerfile: "Docker",
  kubernetes: "Kubernetes",
};

/** How a requirement is named in the framework view (and SARIF properties). */
export function requirementKey(framework: FrameworkId, platform: Platform, id: string): string {
  return framework === "cis" ? `${CIS_BENCHMARK[platform]} ${id}` : id;
}

/**
 * Per framework, each requirement's status from the controls mapped to it: fail when any of them failed,
 * error when one could not be evaluated, pass when the rest passed, not-applicable when none applied. The
 * score is the share of applicable requirements that pass.
 */
export function frameworkView(results: readonly ControlResult[], only?: FrameworkId): FrameworkResult[] {
  const out: FrameworkResult[] = [];
  for (const fw of only ? [only] : FRAMEWORKS) {
    const reqs = new Map<string, { statuses: ControlResult["status"][]; controls: string[] }>();
    for (const r of results)
      for (const id of r.control.frameworks[fw] ?? []) {
        const key = requirementKey(fw, r.control.platform, id);
        const q = reqs.get(key) ?? { statuses: [], controls: [] };
        q.statuses.push(r.status);
        q.controls.push(r.control.id);
        reqs.set(key, q);
      }
    if (reqs.size === 0) continue;
    const requirements: RequirementResult[] = [...reqs.entries()]
      .sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true }))
      .map(([id, q]) => ({ id, status: combine(q.statuses), controls: q.controls }));
    const count = (s: RequirementResult["status"]) => requirements.filter((r) => r.status === s).length;
    const passed = count("pass");
    const failed = count("fail") + count("error");
    out.push({
      id: fw,
      title: FRAMEWORK_TITLES[fw],
      requirements,
      passed,
      failed,
      notApplicable: count("not-applicable"),
      ...(passed + failed > 0 ? { score: Math.round((passed / (passed + failed)) * 1000) / 10 } : {}),
    });
  }
  return out;
}

function combine(statuses: ControlResult["status"][]): RequirementResult["status"] {
  if (statuses.includes("fail")) return "fail";
  if (statuses.includes("error")) return "error";
  if (statuses.includes("pass")) return "pass";
  return "not-applicable";
}
