import { useMemo } from "react";
import { Link, useSearchParams } from "react-router";
import { api } from "../../api/client.js";
import { useData } from "../../api/useData.js";
import { Filters } from "./Filters.js";
import { FindingsTable } from "./FindingsTable.js";
import { GroupsTable } from "./GroupsTable.js";
import { filterQuery, KINDS, SEVERITIES, searchOf, type View, viewOf } from "./query.js";
import type { Counts, Finding, FindingPage, Group, NodeRef } from "./types.js";
import { usePaged } from "./usePaged.js";

const PAGE = 50;

interface NodePage {
  nodes: NodeRef[];
}

/** Whether any filter narrows the view beyond its kind (what the empty state has to say differs). */
const narrowed = (v: View) =>
  v.severity.length > 0 || v.status !== "open" || v.kev || v.fixable || !!(v.node || v.image || v.package || v.cve);

/**
 * Findings, riskiest first (the API's ranking), by kind, filtered, or grouped by CVE or package; the view lives
 * in the URL. Counts use the same filters.
 */
export function FindingsList() {
  const [params, setParams] = useSearchParams();
  const view = useMemo(() => viewOf(params), [params]);
  const filters = filterQuery(view).toString();
  // flushSync: the URL is the filters' state, so a checkbox must show its new state at once (a deferred
  // navigation would leave it unchanged for a moment).
  const change = (next: View) => setParams(searchOf(next), { flushSync: true });

  const nodes = useData(() =>
    Promise.all(["online", "offline"].map((s) => api.get<NodePage>(`/topology/nodes?status=${s}&limit=500`))).then(
      (pages) => pages.flatMap((p) => p.nodes).sort((a, b) => a.hostname.localeCompare(b.hostname)),
    ),
  );
  const hostnames = useMemo(() => new Map((nodes.value ?? []).map((n) => [n.id, n.hostname])), [nodes.value]);
  const counts = useData(() => api.get<Counts>(`/findings/counts?${filters}`), filters);
  const list = usePaged<FindingPage, Finding>(
    view.group ? "" : `/findings?${filters}&limit=${PAGE}`,
    (r) => r.findings,
  );
  const groups = usePaged<{ groups: Group[]; next: string | null }, Group>(
    view.group ? `/findings/groups?${filters}&by=${view.group}&limit=${PAGE}` : "",
    (r) => r.groups,
  );
  const shown = view.group ? groups : list;
  const title = KINDS.find((k) => k.kind === view.kind)?.title ?? "Findings";

  return (
    <div className="page">
      <h1>Findings</h1>
      <Filters view={view} nodes={nodes.value ?? []} onChange={change} />
      <section className="card" aria-labelledby="findings-title">
        <div className="findings-head">
          <h2 id="findings-title">
            {title}
            {view.group && ` by ${view.group === "cve" ? "CVE" : "package"}`}
          </h2>
          {counts.value && (
            <p className="findings-counts" data-testid="counts">
              <strong>{counts.value.total}</strong> {counts.value.total === 1 ? "finding" : "findings"}
              {SEVERITIES.filter((s) => counts.value?.bySeverity[s]).map((s) => (
                <span key={s} className={`sev-${s}`}>
                  {" "}
                  · {counts.value?.bySeverity[s]} {s}
                </span>
              ))}
            </p>
          )}
        </div>
        {(shown.error || counts.error) && <p className="error">{shown.error ?? counts.error}</p>}
        {shown.items === undefined && !shown.error && <p className="hint">Loading…</p>}
        {shown.items?.length === 0 && (
          <Empty view={view} onClear={() => change({ ...viewOf(new URLSearchParams()), kind: view.kind })} />
        )}
        {!!list.items?.length && !view.group && (
          <FindingsTable kind={view.kind} findings={list.items} hostnames={hostnames} />
        )}
        {!!groups.items?.length && view.group && <GroupsTable view={view} groups={groups.items} />}
        {shown.next && (
          <p>
            <button type="button" onClick={shown.loadMore} disabled={shown.loading}>
              {shown.loading ? "Loading…" : "Load more"}
            </button>
          </p>
        )}
      </section>
    </div>
  );
}

function Empty({ view, onClear }: { view: View; onClear(): void }) {
  if (narrowed(view))
    return (
      <div className="empty">
        <p>
          {view.status === "open"
            ? "No open findings match these filters."
            : `No ${view.status === "accepted" ? "accepted" : "false-positive"} findings match these filters.`}
        </p>
        <p>
          <button type="button" onClick={onClear}>
            Clear filters
          </button>
        </p>
      </div>
    );
  return (
    <div className="empty">
      <p>
        No open{" "}
        {
          {
            vuln: "vulnerabilities",
            secret: "secrets",
            malware: "malware",
            posture: "posture failures (failed controls)",
          }[view.kind]
        }{" "}
        in the latest scans.
      </p>
      <p>
        Start a scan on the <Link to="/scans">Scans</Link> page (upload an image archive or an SBOM, or ask a sensor to
        scan its node); findings appear here ranked by risk. Decided findings are under the status "Accepted" or "False
        positive".
      </p>
      {view.kind === "posture" && (
        <p>
          Posture findings come from scans with the posture scanner: <code>rampart scan host --scanners posture</code>,
          or tick "Posture (compliance)" when starting a scan; every control's result is on the{" "}
          <Link to="/posture">Posture</Link> page.
        </p>
      )}
    </div>
  );
}
