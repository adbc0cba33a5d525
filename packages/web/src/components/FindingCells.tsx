import { Link } from "react-router";
import { SeverityBadges } from "./Badges.js";

/** The fields every finding has that name it in a few words (see findingTitle). */
export interface TitledFinding {
  kind: string;
  cve: string | null;
  package: { name: string; version: string } | null;
  detail: { title?: string; ruleId?: string; description?: string } | null;
}

/** A finding as the short lists show it (GET /findings returns more). */
export interface ListedFinding extends TitledFinding {
  id: string;
  severity: string;
  risk: number;
  kev: boolean;
  path: string | null;
}

/** What a finding is, in a few words: the CVE in its package, or the secret's or malware rule's title. */
export function findingTitle(f: TitledFinding): string {
  if (f.kind === "vuln") return `${f.cve ?? "advisory"} in ${f.package?.name ?? "?"} ${f.package?.version ?? ""}`;
  return f.detail?.title ?? f.detail?.description ?? f.detail?.ruleId ?? f.kind;
}

/**
 * The first three cells of a finding's row in the short lists (the dashboard's top 10, a scan's findings, a
 * diff): its risk, its severity (and KEV), and its name linking to its page.
 */
export function FindingCells({
  id,
  risk,
  severity,
  kev,
  title,
}: {
  id: string;
  risk: number;
  severity: string;
  kev?: boolean;
  title: string;
}) {
  return (
    <>
      <td className="num">{Math.round(risk)}</td>
      <td>
        <SeverityBadges severity={severity} kev={kev} />
      </td>
      <td>
        <Link to={`/findings/${id}`}>{title}</Link>
      </td>
    </>
  );
}
