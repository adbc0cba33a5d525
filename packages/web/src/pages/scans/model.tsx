/** A scan as GET /scans and GET /scans/:id return it. */
export interface Scan {
  id: string;
  target: { kind: TargetKind; ref: string; key: string | null; nodeId: string | null };
  scanners: Scanner[];
  state: ScanState;
  progress: number;
  message: string | null;
  error: string | null;
  attempts: number;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  summary: {
    total: number;
    bySeverity: Record<string, number>;
    byKind: Record<string, number>;
    kev: number;
    fixable: number;
    maxRisk: number;
    /** Controls by status and each framework's score, when the posture scanner ran. */
    posture?: {
      controls: Partial<Record<"pass" | "fail" | "not-applicable" | "error", number>>;
      frameworks: {
        id: string;
        title: string;
        passed: number;
        failed: number;
        notApplicable: number;
        score?: number;
      }[];
    };
  } | null;
  packageCount: number | null;
  warnings: string[];
}

export interface ScanPage {
  scans: Scan[];
  next: string | null;
}

export type ScanState = "queued" | "running" | "complete" | "failed" | "cancelled";
export type TargetKind = "image-archive" | "sbom" | "host" | "container" | "image";
export type Scanner = "vuln" | "secret" | "malware" | "posture";
export const SCANNERS: { id: Scanner; label: string }[] = [
  { id: "vuln", label: "Vulnerabilities" },
  { id: "secret", label: "Secrets" },
  { id: "malware", label: "Malware" },
  { id: "posture", label: "Posture (compliance)" },
];

export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
/** Shown only when a scan has some: most advisories are rated one of the four above. */
export const MINOR_SEVERITIES = ["negligible", "unknown"] as const;

/** A scan still changing: its page keeps polling while one is shown. */
export const isActive = (s: Scan): boolean => s.state === "queued" || s.state === "running";

/** How often pages showing an unfinished scan ask again. */
export const POLL_MS = 2000;

const KIND_LABELS: Record<TargetKind, string> = {
  "image-archive": "image archive",
  sbom: "SBOM",
  host: "host",
  container: "container",
  image: "node image",
};
export const kindLabel = (k: TargetKind): string => KIND_LABELS[k] ?? k;

export const when = (iso: string | null): string => (iso ? new Date(iso).toLocaleString() : "—");

/** The scan's state as a badge, with the progress of a running one. */
export function StateBadge({ scan }: { scan: Scan }) {
  return <span className={`badge scan-state state-${scan.state}`}>{scan.state}</span>;
}

export function Progress({ scan }: { scan: Scan }) {
  if (!isActive(scan)) return null;
  const pct = Math.round(scan.progress * 100);
  return (
    <span className="scan-progress">
      <progress max={100} value={pct} aria-label={`Progress of ${scan.target.ref}`} />
      <span className="pct">{pct}%</span>
      {scan.message && <span className="hint"> {scan.message}</span>}
    </span>
  );
}
