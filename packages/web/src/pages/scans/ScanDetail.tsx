import { useEffect, useState } from "react";
import { Link, useParams } from "react-router";
import { ApiError, api } from "../../api/client.js";
import { useData } from "../../api/useData.js";
import { useCan } from "../../auth/session.js";
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

interface Finding {
  id: string;
  kind: string;
  severity: string;
  risk: number;
  kev: boolean;
  fixable: boolean;
  cve: string | null;
  package: { name: string; version: string } | null;
  path: string | null;
  detail: { title?: string; ruleId?: string; description?: string; risk?: { why?: string } } | null;
}

interface FindingPage {
  findings: Finding[];
  next: string | null;
}

const FINDINGS_PAGE = 50;

const titleOf = (f: Finding): string =>
  f.kind === "vuln"
    ? `${f.cve ?? "advisory"} in ${f.package?.name ?? "?"} ${f.package?.version ?? ""}`
    : (f.detail?.title ?? f.detail?.description ?? f.detail?.ruleId ?? f.kind);

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
          setError(e instanceof ApiError ? e.message : "the console could not be reached");
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
      setMoreError(e instanceof ApiError ? e.message : "the console could not be reached");
    }
  };

  const cancel = async () => {
    setCancelling(true);
    try {
      await api.send("POST", `/scans/${encodeURIComponent(id)}/cancel`);
      setScan(await api.get<Scan>(`/scans/${encodeURIComponent(id)}`));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "the console could not be reached");
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
      {error && <p className="error">{error}</p>}
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
          {scan.error && (
            <p className="error" role="alert">
              {scan.error}
            </p>
          )}
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
          <div className="card" data-testid="summary">
            <h2>Findings</h2>
            <p className="big">{scan.summary.total}</p>
            <ul className="severities">
              {[...SEVERITIES, ...MINOR_SEVERITIES.filter((s) => scan.summary?.bySeverity[s])].map((s) => (
                <li key={s} className={`sev sev-${s}`} data-testid={`summary-${s}`}>
                  <span>{s}</span> <strong>{scan.summary?.bySeverity[s] ?? 0}</strong>
                </li>
              ))}
            </ul>
          </div>
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

      {complete && (
        <section className="card" aria-labelledby="scan-findings-title">
          <h2 id="scan-findings-title">Findings of this scan, riskiest first</h2>
          {first.error && <p className="error">{first.error}</p>}
          {findings?.length === 0 && <p className="empty">This scan found nothing open.</p>}
          {!!findings?.length && (
            <table>
              <thead>
                <tr>
                  <th scope="col">Risk</th>
                  <th scope="col">Severity</th>
                  <th scope="col">Finding</th>
                  <th scope="col">Where</th>
                </tr>
              </thead>
              <tbody>
                {findings.map((f) => (
                  <tr key={f.id}>
                    <td className="num">{Math.round(f.risk)}</td>
                    <td>
                      <span className={`badge sev-${f.severity}`}>{f.severity}</span>
                      {f.kev && <span className="badge kev">KEV</span>}
                    </td>
                    <td>
                      <Link to={`/findings/${f.id}`}>{titleOf(f)}</Link>
                    </td>
                    <td className="where">{f.path ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {moreError && <p className="error">{moreError}</p>}
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
