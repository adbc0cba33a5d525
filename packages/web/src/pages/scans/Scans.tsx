import { useCallback, useEffect, useRef, useState } from "react";
import { Link } from "react-router";
import { api, errorMessage } from "../../api/client.js";
import { useCan } from "../../auth/session.js";
import { DataTable } from "../../components/DataTable.js";
import { ErrorText } from "../../components/ErrorText.js";
import { isActive, kindLabel, POLL_MS, Progress, type Scan, type ScanPage, StateBadge, when } from "./model.js";
import { NewScan } from "./NewScan.js";

const PAGE = 25;

/**
 * The latest first page, then the pages already loaded below it (less what moved up), then the unfinished scans
 * of later pages as asked again one by one.
 */
function merge(first: Scan[], shown: Scan[], refreshed: Scan[]): Scan[] {
  const fresh = new Map(refreshed.map((s) => [s.id, s]));
  const onTop = new Set(first.map((s) => s.id));
  return [...first, ...shown.filter((s) => !onTop.has(s.id)).map((s) => fresh.get(s.id) ?? s)];
}

/** Scan history, newest first, paged; states and progress update live while any scan is queued or running. */
export function Scans() {
  const can = useCan();
  const [scans, setScans] = useState<Scan[]>();
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [loadingMore, setLoadingMore] = useState(false);
  const shown = useRef<Scan[]>([]);
  shown.current = scans ?? [];

  /** Asks again for the first page and for every unfinished scan further down. */
  const refresh = useCallback(async () => {
    const page = await api.get<ScanPage>(`/scans?limit=${PAGE}`);
    const onTop = new Set(page.scans.map((s) => s.id));
    const below = shown.current.filter((s) => !onTop.has(s.id) && isActive(s));
    const refreshed = await Promise.all(below.map((s) => api.get<Scan>(`/scans/${s.id}`)));
    setScans((prev) => merge(page.scans, prev ?? [], refreshed));
    setNext((n) => (shown.current.length > PAGE ? n : page.next));
    setError(undefined);
  }, []);

  useEffect(() => {
    refresh().catch((e: unknown) => setError(errorMessage(e)));
  }, [refresh]);

  // Poll every 2 s while something is queued or running; no timer at all otherwise.
  const polling = !!scans?.some(isActive);
  useEffect(() => {
    if (!polling) return;
    const timer = setInterval(() => refresh().catch((e: unknown) => setError(errorMessage(e))), POLL_MS);
    return () => clearInterval(timer);
  }, [polling, refresh]);

  const more = async () => {
    if (!next) return;
    setLoadingMore(true);
    try {
      const page = await api.get<ScanPage>(`/scans?limit=${PAGE}&cursor=${encodeURIComponent(next)}`);
      setScans((prev) => {
        const have = new Set((prev ?? []).map((s) => s.id));
        return [...(prev ?? []), ...page.scans.filter((s) => !have.has(s.id))];
      });
      setNext(page.next);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <div className="page scans-page">
      <h1>Scans</h1>
      {can.write && <NewScan onStarted={(s) => setScans((prev) => merge([s], prev ?? [], []))} />}

      <section className="card" aria-labelledby="history-title">
        <h2 id="history-title">History {polling && <span className="hint live">· updating live</span>}</h2>
        <ErrorText error={error} />
        {!scans && !error && <p className="loading">Loading…</p>}
        {scans?.length === 0 && (
          <p className="empty">
            No scans yet.{" "}
            {can.write
              ? "Upload an image archive or an SBOM above, or ask a node's sensor to scan."
              : "Users who may write (standard or admin) can start one; sensors' scans show here too."}
          </p>
        )}
        {!!scans?.length && (
          <DataTable className="scans" columns={["Target", "Kind", "State", "Findings", "Started", "By"]}>
            {scans.map((s) => (
              <tr key={s.id} data-testid={`scan-${s.id}`}>
                <td>
                  <Link to={`/scans/${s.id}`}>{s.target.ref}</Link>
                </td>
                <td>{kindLabel(s.target.kind)}</td>
                <td>
                  <StateBadge scan={s} />
                  <Progress scan={s} />
                  {s.state === "failed" && s.error && <div className="error small">{s.error}</div>}
                </td>
                <td className="num">{s.summary ? s.summary.total : "—"}</td>
                <td>{when(s.createdAt)}</td>
                <td className="where">{s.createdBy}</td>
              </tr>
            ))}
          </DataTable>
        )}
        {next && (
          <button type="button" onClick={() => void more()} disabled={loadingMore}>
            {loadingMore ? "Loading…" : "Older scans"}
          </button>
        )}
      </section>
    </div>
  );
}
