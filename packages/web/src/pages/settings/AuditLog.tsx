import { type FormEvent, useCallback, useEffect, useState } from "react";
import { api, errorMessage } from "../../api/client.js";
import { useCan } from "../../auth/session.js";
import { DataTable } from "../../components/DataTable.js";
import { ErrorText } from "../../components/ErrorText.js";
import { AdminOnly, SettingsFrame } from "./Frame.js";

interface Entry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  detail: Record<string, unknown> | null;
}
interface AuditPage {
  entries: Entry[];
  next: string | null;
}

const PAGE = 50;

/** Admin: the audit log, newest first, a page at a time, optionally one action only. */
export function AuditLog() {
  const can = useCan();
  return <SettingsFrame title="Audit log">{can.admin ? <Audit /> : <AdminOnly what="the audit log" />}</SettingsFrame>;
}

function Audit() {
  const [action, setAction] = useState("");
  const [filter, setFilter] = useState("");
  const [entries, setEntries] = useState<Entry[]>();
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string>();

  const load = useCallback(
    async (cursor?: string) => {
      try {
        const q = new URLSearchParams({ limit: String(PAGE) });
        if (filter) q.set("action", filter);
        if (cursor) q.set("cursor", cursor);
        const page = await api.get<AuditPage>(`/audit?${q}`);
        setEntries((prev) => (cursor ? [...(prev ?? []), ...page.entries] : page.entries));
        setNext(page.next);
        setError(undefined);
      } catch (e) {
        setError(errorMessage(e));
      }
    },
    [filter],
  );

  useEffect(() => {
    void load();
  }, [load]);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilter(action.trim());
  };

  return (
    <section className="card" aria-labelledby="audit-title">
      <h2 id="audit-title">Entries, newest first</h2>
      <form className="row" onSubmit={apply}>
        <label>
          Action
          <input
            value={action}
            maxLength={64}
            placeholder="e.g. auth.login, api-key.create"
            onChange={(e) => setAction(e.target.value)}
          />
        </label>
        <button type="submit">Filter</button>
      </form>
      <ErrorText error={error} />
      {entries?.length === 0 && <p className="empty">No entries{filter ? ` for ${filter}` : ""}.</p>}
      {!!entries?.length && (
        <DataTable columns={["When", "Actor", "Action", "Target", "Detail"]}>
          {entries.map((e) => (
            <tr key={e.id}>
              <td>{new Date(e.at).toLocaleString()}</td>
              <td className="where">{e.actor}</td>
              <td>{e.action}</td>
              <td className="where">{e.target ?? ""}</td>
              <td className="where">{e.detail ? <code>{JSON.stringify(e.detail)}</code> : ""}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {next && (
        <button type="button" onClick={() => void load(next)}>
          Older entries
        </button>
      )}
    </section>
  );
}
