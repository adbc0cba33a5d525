import type { ControlStatus, FrameworkScore } from "./types.js";

export const STATUSES: { status: ControlStatus; label: string }[] = [
  { status: "fail", label: "Failing" },
  { status: "pass", label: "Passing" },
  { status: "not-applicable", label: "Not applicable" },
  { status: "error", label: "Error" },
];

export const STATUS_LABEL: Record<ControlStatus, string> = {
  fail: "fail",
  pass: "pass",
  "not-applicable": "n/a",
  error: "error",
};

/** Short names for the framework selector and cards (the API's titles are the long ones). */
const SHORT: Record<string, string> = {
  cis: "CIS",
  nsa: "NSA-CISA",
  pci: "PCI DSS",
  hipaa: "HIPAA",
  nist: "NIST 800-53",
  soc2: "SOC 2",
  gdpr: "GDPR",
};
export const shortName = (id: string): string => SHORT[id] ?? id.toUpperCase();

/** A framework's score as shown: "42.9 %", or a dash when no requirement applied. */
export const scoreText = (f: Pick<FrameworkScore, "score"> | undefined): string =>
  f?.score === undefined ? "—" : `${f.score} %`;

/** A control's (or requirement's) status as a badge. */
export function StatusBadge({ status }: { status: ControlStatus }) {
  return <span className={`badge posture-status status-${status}`}>{STATUS_LABEL[status]}</span>;
}

export const when = (iso: string): string => new Date(iso).toLocaleString();
