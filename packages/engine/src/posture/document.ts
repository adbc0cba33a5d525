import type {
  Control,
  ControlStatus,
  FrameworkResult,
  Platform,
  PostureReport,
  PostureSeverity,
  Violation,
} from "./control.js";
import { type PostureSummary, postureSummary } from "./summary.js";

/** A control with its result, flattened: what JSON reports, the sensor uploads and the console stores. */
export interface ControlDocument {
  id: string;
  title: string;
  platform: Platform;
  severity: PostureSeverity;
  level: 1 | 2;
  status: ControlStatus;
  subjects: number;
  reason?: string;
  violations: Violation[];
  rationale: string;
  remediation: string;
  frameworks: Control["frameworks"];
  references?: string[];
  origin: string;
}

/** A posture report as data (the CEL expressions stay in the control files). */
export interface PostureDocument {
  platforms: Platform[];
  summary: PostureSummary;
  controls: ControlDocument[];
  frameworks: FrameworkResult[];
}

export function postureDocument(p: PostureReport): PostureDocument {
  return {
    platforms: p.platforms,
    summary: postureSummary(p),
    controls: p.results.map(({ control: c, ...r }) => ({
      id: c.id,
      title: c.title,
      platform: c.platform,
      severity: c.severity,
      level: c.level,
      status: r.status,
      subjects: r.subjects,
      ...(r.reason ? { reason: r.reason } : {}),
      violations: r.violations,
      rationale: c.rationale,
      remediation: c.remediation,
      frameworks: c.frameworks,
      ...(c.references ? { references: c.references } : {}),
      origin: c.origin,
    })),
    frameworks: p.frameworks,
  };
}
