import { useEffect, useState } from "react";
import { Link, useParams } from "react-router";
import { ApiError, api, errorMessage } from "../../api/client.js";
import { useData } from "../../api/useData.js";
import { useCan } from "../../auth/session.js";
import { DataTable } from "../../components/DataTable.js";
import { ErrorText } from "../../components/ErrorText.js";
import { FindingCells, findingTitle, type ListedFinding } from "../../components/FindingCells.js";
import { SeverityCounts } from "../../components/SeverityCounts.js";
import { CompareScans } from "./CompareScans.js";
import {
  isActive,
  kindLabel,
  MINOR_SEVERITIES,
  POLL_MS,
  Progress,
  type Scan,
  SEVERITIES,
  StateBadge,
  when,
} from "./model.js";
import { PostureLink } from "./PostureLink.js";

interface FindingPage {
  findings: ListedFinding[];
  next: string | null;
}

const FINDINGS_PAGE = 50;

/** One scan: its state (live while unfinished), summary, riskiest findings, cancel, and a diff with another scan. */
export function ScanDetail() {
  const { id = "" } = useParams();
  const can = useCan();
  const [scan, setScan] = useState<Scan>();
  const [error, setError] = useState<string>();
  const [cancelling, setCancelling] = useState(false);

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setScan(undefined);
    const load = () =>
      api.get<Scan>(`/scans/${encodeURIComponent(id)}`).then(
        (s) => {
          if (!live) return;
          setScan(s);
          setError(undefined);
          if (isActive(s)) timer = setTimeout(load, POLL_MS);
        },
        (e: unknown) => {
          if (!live) return;
          setError(errorMessage(e));
          // A transient failure while the scan runs: keep asking.
          if (!(e instanceof ApiError && e.status === 404)) timer = setTimeout(load, POLL_MS);
        },
      );
    void load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [id]);

  const complete = scan?.state === "complete";
  const findingsOf = (cursor?: string) =>
    api.get<FindingPage>(
      `/findings?scan=${encodeURIComponent(id)}&limit=${FINDINGS_PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
  const first = useData(() => (complete ? findingsOf() : Promise.resolve(undefined)), `${id}:${complete}`);
  const [more, setMore] = useState<FindingPage[]>([]);
  const [moreError, setMoreError] = useState<string>();
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new first page starts the list again
  useEffect(() => setMore([]), [first.value]);
  const findings = first.value ? [first.value, ...more].flatMap((p) => p.findings) : undefined;
  const next = (more.at(-1) ?? first.value)?.next ?? null;
  const loadMore = async () => {
    if (!next) return;
    try {
      setMoreError(undefined);
      const page = await findingsOf(next);
      setMore((m) => [...m, page]);
    } catch (e) {
      setMoreError(errorMessage(e));
    }
  };

  const cancel = async () => {
    setCancelling(true);
    try {
      await api.send("POST", `/scans/${encodeURIComponent(id)}/cancel`);
      setScan(await api.get<Scan>(`/scans/${encodeURIComponent(id)}`));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setCancelling(false);
    }
  };

  return (
    <div className="page scans-page">
      <p className="crumbs">
        <Link to="/scans">← Scans</Link>
      </p>
      <h1>Scan of {scan?.target.ref ?? "…"}</h1>
      <ErrorText error={error} />
      {scan && (
        <section className="card scan-head" aria-label="Scan state">
          <dl className="facts">
            <div>
              <dt>State</dt>
              <dd data-testid="scan-state">
                <StateBadge scan={scan} />
                <Progress scan={scan} />
              </dd>
            </div>
            <div>
              <dt>Target</dt>
              <dd>
                {kindLabel(scan.target.kind)} · {scan.target.ref}
                {scan.target.nodeId && (
                  <>
                    {" "}
                    on <Link to={`/topology/${encodeURIComponent(scan.target.nodeId)}`}>its node</Link>
                  </>
                )}
              </dd>
            </div>
            <div>
              <dt>Scanners</dt>
              <dd>{scan.scanners.join(", ") || "—"}</dd>
            </div>
            <div>
              <dt>Started</dt>
              <dd>
                {when(scan.createdAt)} by {scan.createdBy}
              </dd>
            </div>
            <div>
              <dt>Finished</dt>
              <dd>{when(scan.finishedAt)}</dd>
            </div>
            <div>
              <dt>Packages</dt>
              <dd data-testid="package-count">{scan.packageCount ?? "—"}</dd>
            </div>
            {scan.attempts > 1 && (
              <div>
                <dt>Attempts</dt>
                <dd>{scan.attempts}</dd>
              </div>
            )}
          </dl>
          <ErrorText error={scan.error} alert />
          {scan.warnings.length > 0 && (
            <details>
              <summary>{scan.warnings.length} warnings</summary>
              <ul className="warnings">
                {scan.warnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            </details>
          )}
          {can.write && isActive(scan) && (
            <button type="button" onClick={() => void cancel()} disabled={cancelling}>
              {cancelling ? "Cancelling…" : "Cancel scan"}
            </button>
          )}
        </section>
      )}

      {scan?.summary && (
        <section className="grid counts" aria-label="Findings by severity">
          <SeverityCounts
            title="Findings"
            total={scan.summary.total}
            bySeverity={scan.summary.bySeverity}
            severities={[...SEVERITIES, ...MINOR_SEVERITIES.filter((s) => scan.summary?.bySeverity[s])]}
            testId="summary"
            itemTestId="summary-"
          />
          <div className="card">
            <h2>By kind</h2>
            <ul className="feeds">
              {Object.entries(scan.summary.byKind).map(([k, n]) => (
                <li key={k}>
                  <span>{k}</span> <strong>{n}</strong>
                </li>
              ))}
              <li>
                <span>in KEV</span> <strong>{scan.summary.kev}</strong>
              </li>
              <li>
                <span>fixable</span> <strong>{scan.summary.fixable}</strong>
              </li>
            </ul>
          </div>
        </section>
      )}

      {complete && scan?.summary?.posture && <PostureLink scan={scan} />}

      {complete && (
        <section className="card" aria-labelledby="scan-findings-title">
          <h2 id="scan-findings-title">Findings of this scan, riskiest first</h2>
          <ErrorText error={first.error} />
          {findings?.length === 0 && <p className="empty">This scan found nothing open.</p>}
          {!!findings?.length && (
            <DataTable columns={["Risk", "Severity", "Finding", "Where"]}>
              {findings.map((f) => (
                <tr key={f.id}>
                  <FindingCells id={f.id} risk={f.risk} severity={f.severity} kev={f.kev} title={findingTitle(f)} />
                  <td className="where">{f.path ?? ""}</td>
                </tr>
              ))}
            </DataTable>
          )}
          <ErrorText error={moreError} />
          {next && (
            <button type="button" onClick={() => void loadMore()}>
              More findings
            </button>
          )}
        </section>
      )}

      {complete && scan?.target.key && <CompareScans scan={scan} />}
    </div>
  );
}
