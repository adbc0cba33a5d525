/**
 * Posture in SARIF: one rule per control EVALUATED (passes too, so a dashboard knows what was checked), id
 * "posture/<control id>", with the control's frameworks, level, platform and status in properties; one result
 * per failing subject (a host, a container, a workload, a Dockerfile), located at the subject's file when it
 * has one. Controls that could not be evaluated become warnings of the run, never silent passes.
 */
import { createHash } from "node:crypto";
import type { ControlResult, PostureReport, Violation } from "../posture/control.js";
import { requirementKey } from "../posture/frameworks.js";

type Json = Record<string, unknown>;

const LEVEL = { critical: "error", high: "error", medium: "warning", low: "note" } as const;
/** GitHub's security-severity bands, as for secret and malware rules. */
const SECURITY_SEVERITY = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0" } as const;

export const postureRuleId = (controlId: string): string => `posture/${controlId}`;

function rule(r: ControlResult): Json {
  const c = r.control;
  const frameworks = Object.fromEntries(
    Object.entries(c.frameworks).map(([fw, ids]) => [fw, ids.map((id) => requirementKey(fw as never, c.platform, id))]),
  );
  const text = [c.title, "", `Why: ${c.rationale}`, `Fix: ${c.remediation}`].join("\n");
  return {
    id: postureRuleId(c.id),
    name: c.id,
    shortDescription: { text: c.title },
    fullDescription: { text: c.rationale },
    help: { text, markdown: `**${c.title}**\n\n${c.rationale}\n\n**Remediation:** ${c.remediation}` },
    ...(c.references?.[0] ? { helpUri: c.references[0] } : {}),
    defaultConfiguration: { level: LEVEL[c.severity] },
    properties: {
      "security-severity": SECURITY_SEVERITY[c.severity],
      tags: ["security", "posture", c.platform, ...Object.keys(c.frameworks)],
      platform: c.platform,
      level: c.level,
      status: r.status,
      subjects: r.subjects,
      frameworks,
      origin: c.origin,
    },
  };
}

function result(r: ControlResult, v: Violation, ruleIndex: number, targetUri: string): Json {
  const c = r.control;
  const uri = v.location ? v.location.path.replace(/^\/+/, "") : targetUri;
  return {
    ruleId: postureRuleId(c.id),
    ruleIndex,
    level: LEVEL[c.severity],
    message: { text: `${c.title}: ${v.subject}${v.evidence.length ? ` (${v.evidence.join("; ")})` : ""}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri, uriBaseId: "ROOTPATH" },
          ...(v.location?.line ? { region: { startLine: v.location.line } } : {}),
        },
        message: { text: v.subject },
      },
    ],
    partialFingerprints: {
      "rampartPostureHash/v1": createHash("sha256").update(`${c.id}\0${v.subject}`).digest("hex").slice(0, 32),
    },
    properties: { subject: v.subject, evidence: v.evidence, severity: c.severity },
  };
}

/** The posture part of a SARIF run: rules appended after `firstIndex` others, results, and run warnings. */
export function posturePart(
  p: PostureReport,
  firstIndex: number,
  targetUri: string,
): { rules: Json[]; results: Json[]; notifications: string[] } {
  const rules = p.results.map(rule);
  const results = p.results.flatMap((r, i) => r.violations.map((v) => result(r, v, firstIndex + i, targetUri)));
  const notifications = p.results
    .filter((r) => r.status === "error")
    .map((r) => `posture control ${r.control.id} could not be evaluated: ${r.reason ?? "unknown error"}`);
  return { rules, results, notifications };
}
