import { type FormEvent, useState } from "react";
import { api, errorMessage } from "../../api/client.js";
import { useData } from "../../api/useData.js";
import { DataTable } from "../../components/DataTable.js";
import { ErrorText } from "../../components/ErrorText.js";
import { FindingCells } from "../../components/FindingCells.js";
import { type Scan, type ScanPage, when } from "./model.js";

interface DiffEntry {
  fingerprint: string;
  findingId: string;
  kind: string;
  severity: string;
  risk: number;
  cve: string | null;
  package: string | null;
  version: string | null;
  path: string | null;
}
interface Diff {
  base: string;
  head: string;
  new: DiffEntry[];
  fixed: DiffEntry[];
  unchanged: DiffEntry[];
}

const label = (e: DiffEntry) =>
  e.kind === "vuln"
    ? `${e.cve ?? "advisory"} in ${e.package ?? "?"} ${e.version ?? ""}`
    : `${e.kind} in ${e.path ?? "?"}`;

function DiffTable({ title, entries, id }: { title: string; entries: DiffEntry[]; id: string }) {
  return (
    <section aria-labelledby={id}>
      <h3 id={id}>
        {title} <span className="count">({entries.length})</span>
      </h3>
      {entries.length === 0 ? (
        <p className="empty">None.</p>
      ) : (
        <DataTable columns={["Risk", "Severity", "Finding"]}>
          {entries.map((e) => (
            <tr key={e.fingerprint}>
              <FindingCells id={e.findingId} risk={e.risk} severity={e.severity} title={label(e)} />
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}

/**
 * "Compare with…": another complete scan of the same target. The older of the two is the base, so "new" and
 * "fixed" read forward in time whichever one the user picks.
 */
export function CompareScans({ scan }: { scan: Scan }) {
  const key = scan.target.key ?? "";
  const others = useData(
    () =>
      api
        .get<ScanPage>(`/scans?target=${encodeURIComponent(key)}&state=complete&limit=50`)
        .then((p) => p.scans.filter((s) => s.id !== scan.id)),
    `${scan.id}:${key}`,
  );
  const [other, setOther] = useState("");
  const [diff, setDiff] = useState<{ diff: Diff; older: Scan; newer: Scan }>();
  const [error, setError] = useState<string>();

  const compare = async (e: FormEvent) => {
    e.preventDefault();
    const picked = others.value?.find((s) => s.id === (other || others.value?.[0]?.id));
    if (!picked) return;
    const [older, newer] = picked.createdAt <= scan.createdAt ? [picked, scan] : [scan, picked];
    try {
      setError(undefined);
      const d = await api.get<Diff>(
        `/scans/${encodeURIComponent(newer.id)}/diff?against=${encodeURIComponent(older.id)}`,
      );
      setDiff({ diff: d, older, newer });
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <section className="card" aria-labelledby="compare-title">
      <h2 id="compare-title">Compare with another scan</h2>
      <ErrorText error={others.error} />
      {others.value?.length === 0 && (
        <p className="empty">No other complete scan of {scan.target.ref} yet: scan it again to see what changed.</p>
      )}
      {!!others.value?.length && (
        <form className="row" onSubmit={compare}>
          <label>
            Compare with…
            <select
              aria-label="Compare with…"
              value={other || others.value[0]?.id}
              onChange={(e) => setOther(e.target.value)}
            >
              {others.value.map((s) => (
                <option key={s.id} value={s.id}>
                  {when(s.createdAt)} · {s.summary?.total ?? 0} findings
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Compare</button>
        </form>
      )}
      <ErrorText error={error} />
      {diff && (
        <div className="diff">
          <p className="hint">
            From the scan of {when(diff.older.createdAt)} to the scan of {when(diff.newer.createdAt)}.
          </p>
          <DiffTable id="diff-new" title="New" entries={diff.diff.new} />
          <DiffTable id="diff-fixed" title="Fixed" entries={diff.diff.fixed} />
          <details>
            <summary>Unchanged ({diff.diff.unchanged.length})</summary>
            <DiffTable id="diff-unchanged" title="Unchanged" entries={diff.diff.unchanged} />
          </details>
        </div>
      )}
    </section>
  );
}
