import { byCvssPreference, scoreCvss, severityFromLabel } from "../risk/cvss.js";
import type { CvssScore, Severity } from "../risk/types.js";
import type { AdvisoryInfo, AffectedRow } from "../vulndb/reader.js";

const CVSS_TYPES: Record<string, true> = { CVSS_V2: true, CVSS_V3: true, CVSS_V4: true };

export interface SeverityResult {
  severity: Severity;
  source: string;
  vendorSeverity?: string;
  cvss: CvssScore[];
}

/**
 * A finding's severity from the advisories folded into it. Distro ratings win for distro matches when the
 * distro says the issue does not matter in its build ("unimportant" → negligible), as Debian's tracker
 * means it; otherwise the preferred CVSS score decides (newest version, then highest: byCvssPreference);
 * then a feed's own label (GHSA's "MODERATE"); then the distro urgency; else unknown.
 */
export function severityOf(advisories: Array<{ info: AdvisoryInfo; row: AffectedRow }>): SeverityResult {
  const cvss: CvssScore[] = [];
  const seen = new Set<string>();
  for (const { info, row } of advisories) {
    for (const s of [...info.severity, ...(info.affectedSeverity.get(row.idx) ?? [])]) {
      if (!CVSS_TYPES[s.type] || seen.has(s.score)) continue;
      seen.add(s.score);
      const score = scoreCvss(s.score, info.id);
      if (score) cvss.push(score);
    }
  }
  cvss.sort(byCvssPreference);
  const urgency = advisories
    .map(({ row }) => row.ecosystemSpecific?.urgency)
    .find((u): u is string => typeof u === "string" && u !== "" && u !== "not yet assigned");
  const vendor = urgency ? { vendorSeverity: urgency } : {};
  if (urgency === "unimportant") return { severity: "negligible", source: "distro urgency", cvss, ...vendor };
  const best = cvss[0];
  if (best) return { severity: best.severity, source: `cvss ${best.version}`, cvss, ...vendor };
  for (const { info } of advisories) {
    const label = info.databaseSpecific?.severity;
    const sev = typeof label === "string" ? severityFromLabel(label) : undefined;
    if (sev) return { severity: sev, source: info.id.split("-")[0]?.toLowerCase() ?? "advisory", cvss, ...vendor };
  }
  const fromUrgency = urgency ? severityFromLabel(urgency) : undefined;
  if (fromUrgency) return { severity: fromUrgency, source: "distro urgency", cvss, ...vendor };
  return { severity: "unknown", source: "none", cvss, ...vendor };
}
