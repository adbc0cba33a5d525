/**
 * How a VEX statement is summed up in SuppressedFinding.reason: `status (justification): impact statement`.
 * Reports that need the status back (CycloneDX analysis.state) read it with parseVexReason.
 */
import type { VexStatement } from "./types.js";

export function formatVexReason(s: Pick<VexStatement, "status" | "justification" | "impactStatement">): string {
  return `${s.status}${s.justification ? ` (${s.justification})` : ""}${s.impactStatement ? `: ${s.impactStatement}` : ""}`;
}

export interface VexReason {
  status: string;
  justification?: string;
  detail?: string;
}

const REASON = /^([a-z_]+)(?: \(([a-z_]+)\))?(?:: ([\s\S]*))?$/;

export function parseVexReason(reason: string): VexReason | undefined {
  const m = REASON.exec(reason);
  if (!m) return undefined;
  return {
    status: m[1] as string,
    ...(m[2] ? { justification: m[2] } : {}),
    ...(m[3] ? { detail: m[3] } : {}),
  };
}
