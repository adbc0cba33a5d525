import type { Kind, Status } from "./types.js";

/** Severities a user filters on, highest first (the engine's order). */
export const SEVERITIES = ["critical", "high", "medium", "low", "negligible", "unknown"] as const;
export const KINDS: { kind: Kind; title: string }[] = [
  { kind: "vuln", title: "Vulnerabilities" },
  { kind: "secret", title: "Secrets" },
  { kind: "malware", title: "Malware" },
  { kind: "posture", title: "Posture" },
];
export const STATUSES: { status: Status; title: string }[] = [
  { status: "open", title: "Open" },
  { status: "accepted", title: "Accepted" },
  { status: "false-positive", title: "False positive" },
];
/** The text filters: the URL's name for each, which is also the API's. */
export const TEXT_FILTERS = ["image", "package", "cve"] as const;
export type TextFilter = (typeof TEXT_FILTERS)[number];
export type GroupBy = "cve" | "package";

/**
 * The list's state, all of it in the URL's query string so a view can be shared and survives a reload. The
 * names are the API's filters, plus `group` (the grouped view); defaults are left out of the URL.
 */
export interface View {
  kind: Kind;
  severity: string[];
  status: Status;
  kev: boolean;
  fixable: boolean;
  node: string;
  image: string;
  package: string;
  cve: string;
  group: GroupBy | "";
}

export function viewOf(params: URLSearchParams): View {
  const kind = params.get("kind");
  const status = params.get("status");
  const group = params.get("group");
  return {
    kind: kind === "secret" || kind === "malware" || kind === "posture" ? kind : "vuln",
    severity: params.getAll("severity").filter((s) => (SEVERITIES as readonly string[]).includes(s)),
    status: status === "accepted" || status === "false-positive" ? status : "open",
    kev: params.get("kev") === "true",
    fixable: params.get("fixable") === "true",
    node: params.get("node") ?? "",
    image: params.get("image") ?? "",
    package: params.get("package") ?? "",
    cve: params.get("cve") ?? "",
    // Grouping by CVE or package means something for vulnerabilities only.
    group: (kind === null || kind === "vuln") && (group === "cve" || group === "package") ? group : "",
  };
}

/** The URL query string of a view (defaults left out). */
export function searchOf(v: View): URLSearchParams {
  const p = new URLSearchParams();
  if (v.kind !== "vuln") p.set("kind", v.kind);
  for (const s of v.severity) p.append("severity", s);
  if (v.status !== "open") p.set("status", v.status);
  if (v.kev) p.set("kev", "true");
  if (v.fixable) p.set("fixable", "true");
  for (const f of ["node", ...TEXT_FILTERS] as const) if (v[f]) p.set(f, v[f]);
  if (v.group) p.set("group", v.group);
  return p;
}

/** The API's filter query for a view (the same for the list, the counts and the groups). */
export function filterQuery(v: View): URLSearchParams {
  const p = new URLSearchParams({ kind: v.kind, status: v.status });
  for (const s of v.severity) p.append("severity", s);
  if (v.kev) p.set("kev", "true");
  if (v.fixable) p.set("fixable", "true");
  for (const f of ["node", ...TEXT_FILTERS] as const) if (v[f].trim()) p.set(f, v[f].trim());
  return p;
}
