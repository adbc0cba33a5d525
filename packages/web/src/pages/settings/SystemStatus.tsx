import { useState } from "react";
import { api, errorMessage } from "../../api/client.js";
import { useData } from "../../api/useData.js";
import { useCan } from "../../auth/session.js";
import { DataTable } from "../../components/DataTable.js";
import { ErrorText } from "../../components/ErrorText.js";
import { SettingsFrame } from "./Frame.js";

interface Feed {
  name: string;
  location?: string;
  dataAsOf?: string;
  importedAt: string;
  records: number;
  ageSeconds: number;
  stale: boolean;
}
interface Status {
  version: string;
  storage: "sqlite" | "postgres";
  refreshEveryHours: number;
  vulnDb:
    | { present: false; path: string; problem: string }
    | {
        present: true;
        path: string;
        schemaVersion: number;
        builtAt: string;
        bytes: number;
        advisories: number;
        feeds: Feed[];
      };
}

const STORAGE = { sqlite: "SQLite (embedded)", postgres: "PostgreSQL" };

export const age = (s: number): string =>
  s < 3600 ? `${Math.round(s / 60)} min` : s < 172_800 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86_400)} days`;

const size = (b: number) => (b >= 1 << 30 ? `${(b / (1 << 30)).toFixed(1)} GiB` : `${(b / (1 << 20)).toFixed(1)} MiB`);

/** Version, storage, the vulnerability DB and each feed's age (stale ones flagged); admins can refresh the DB. */
export function SystemStatus() {
  const can = useCan();
  const status = useData(() => api.get<Status>("/system/status"));
  const [refresh, setRefresh] = useState<{ jobId?: string; error?: string; busy?: boolean }>({});
  const s = status.value;

  const refreshNow = async () => {
    setRefresh({ busy: true });
    try {
      const r = await api.send<{ jobId: string }>("POST", "/system/vulndb/refresh");
      setRefresh({ jobId: r.jobId });
    } catch (e) {
      setRefresh({ error: errorMessage(e) });
    }
  };

  return (
    <SettingsFrame title="System status">
      <ErrorText error={status.error} />
      {s && (
        <section className="card" aria-labelledby="console-title">
          <h2 id="console-title">Console</h2>
          <dl className="facts">
            <div>
              <dt>Version</dt>
              <dd data-testid="version">{s.version}</dd>
            </div>
            <div>
              <dt>Storage</dt>
              <dd>{STORAGE[s.storage] ?? s.storage}</dd>
            </div>
            <div>
              <dt>DB refresh</dt>
              <dd>{s.refreshEveryHours > 0 ? `every ${s.refreshEveryHours} h` : "on demand only"}</dd>
            </div>
          </dl>
        </section>
      )}
      {s && (
        <section className="card" aria-labelledby="vulndb-title">
          <h2 id="vulndb-title">Vulnerability DB</h2>
          {!s.vulnDb.present && (
            <p className="error">
              No vulnerability DB at {s.vulnDb.path}: {s.vulnDb.problem}.{" "}
              {can.admin ? "Refresh it below, or run `rampart db update`." : "Ask an admin to refresh it."}
            </p>
          )}
          {s.vulnDb.present && (
            <>
              <dl className="facts">
                <div>
                  <dt>Built</dt>
                  <dd>{new Date(s.vulnDb.builtAt).toLocaleString()}</dd>
                </div>
                <div>
                  <dt>Advisories</dt>
                  <dd>{s.vulnDb.advisories.toLocaleString()}</dd>
                </div>
                <div>
                  <dt>Size</dt>
                  <dd>{size(s.vulnDb.bytes)}</dd>
                </div>
                <div>
                  <dt>Schema</dt>
                  <dd>{s.vulnDb.schemaVersion}</dd>
                </div>
              </dl>
              <DataTable label="Feeds" columns={["Feed", "Data as of", "Imported", "Age", "Records"]}>
                {s.vulnDb.feeds.map((f) => (
                  <tr key={f.name} className={f.stale ? "stale" : ""}>
                    <td>{f.name}</td>
                    <td>{f.dataAsOf ? new Date(f.dataAsOf).toLocaleString() : "—"}</td>
                    <td>{new Date(f.importedAt).toLocaleString()}</td>
                    <td>
                      {age(f.ageSeconds)}
                      {f.stale && (
                        <span
                          className="badge stale"
                          title="Not imported for over a day: the scheduled refresh is failing"
                        >
                          stale
                        </span>
                      )}
                    </td>
                    <td className="num">{f.records.toLocaleString()}</td>
                  </tr>
                ))}
              </DataTable>
            </>
          )}
          {can.admin && (
            <div className="row">
              <button type="button" onClick={() => void refreshNow()} disabled={refresh.busy}>
                Refresh vulnerability DB now
              </button>
              {refresh.jobId && (
                <span role="status">
                  Refresh queued (job {refresh.jobId}); the new DB replaces the old one when it is built.
                </span>
              )}
              {refresh.error && (
                <span className="error" role="alert">
                  {refresh.error}
                </span>
              )}
            </div>
          )}
        </section>
      )}
    </SettingsFrame>
  );
}
