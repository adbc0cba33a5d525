import { type FormEvent, useState } from "react";
import { api, errorMessage } from "../../api/client.js";
import { useData } from "../../api/useData.js";
import { useCan } from "../../auth/session.js";
import { DataTable } from "../../components/DataTable.js";
import { ErrorText } from "../../components/ErrorText.js";
import { SettingsFrame } from "./Frame.js";
import { ShownOnce } from "./Secret.js";

export type KeyScope = "api" | "sensor";

interface ApiKey {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  scope: KeyScope;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}
export interface NewKey {
  id: string;
  key: string;
  prefix: string;
  scope: KeyScope;
  expiresAt: string | null;
}

const day = (iso: string | null) => (iso ? new Date(iso).toLocaleDateString() : "—");

/** Creates a key; an expiry date means the end of that day, local time. */
export function createKey(name: string, scope: KeyScope, expires?: string): Promise<NewKey> {
  return api.send<NewKey>("POST", "/api-keys", {
    name,
    scope,
    ...(expires ? { expiresAt: new Date(`${expires}T23:59:59`).toISOString() } : {}),
  });
}

/** Read-only users cannot hold keys: say why instead of offering controls the console would refuse. */
export function NoKeysForReadOnly() {
  return (
    <p className="empty card" data-testid="no-keys">
      Read-only users cannot hold API keys: a key is a standing credential, and nothing a read-only user does needs one.
      An admin can give you the standard role if you need to automate scans.
    </p>
  );
}

/** Your API keys (admins: everyone's too): create with a name, scope and expiry — the key is shown once — revoke. */
export function ApiKeys() {
  const can = useCan();
  return <SettingsFrame title="API keys">{can.write ? <Keys /> : <NoKeysForReadOnly />}</SettingsFrame>;
}

function Keys() {
  const can = useCan();
  const [all, setAll] = useState(false);
  const keys = useData(() => api.get<{ keys: ApiKey[] }>(`/api-keys${all ? "?all=true" : ""}`), String(all));
  // Everyone's keys name their owner: admins may read the users.
  const owners = useData(
    () =>
      all
        ? api
            .get<{ users: { id: string; email: string }[] }>("/users")
            .then((r) => new Map(r.users.map((u) => [u.id, u.email])))
        : Promise.resolve(undefined),
    String(all),
  );
  const [name, setName] = useState("");
  const [scope, setScope] = useState<KeyScope>("api");
  const [expires, setExpires] = useState("");
  const [created, setCreated] = useState<NewKey & { name: string }>();
  const [confirming, setConfirming] = useState<string>();
  const [error, setError] = useState<string>();

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const k = await createKey(name.trim(), scope, expires || undefined);
      setCreated({ ...k, name: name.trim() });
      setName("");
      setExpires("");
      keys.reload();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const revoke = async (k: ApiKey) => {
    setError(undefined);
    setConfirming(undefined);
    try {
      await api.send("DELETE", `/api-keys/${k.id}`);
    } catch (err) {
      setError(errorMessage(err));
    }
    keys.reload();
  };

  const today = new Date().toISOString().slice(0, 10);
  return (
    <>
      <section className="card" aria-labelledby="new-key-title">
        <h2 id="new-key-title">New API key</h2>
        <form className="row" onSubmit={create}>
          <label>
            Key name
            <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <label>
            Scope
            <select aria-label="Scope" value={scope} onChange={(e) => setScope(e.target.value as KeyScope)}>
              <option value="api">api: acts as you, with your role</option>
              <option value="sensor">sensor: may only register sensors</option>
            </select>
          </label>
          <label>
            Expires (optional)
            <input type="date" min={today} value={expires} onChange={(e) => setExpires(e.target.value)} />
          </label>
          <button type="submit" className="primary">
            Create key
          </button>
        </form>
        <ErrorText error={error} alert />
        {created && (
          <ShownOnce
            title={`API key “${created.name}” (${created.scope})`}
            value={created.key}
            warning="Copy this key now and keep it secret: the console stores only its hash and will never show it again."
          />
        )}
      </section>

      <section className="card" aria-labelledby="keys-title">
        <h2 id="keys-title">{all ? "Everyone's keys" : "Your keys"}</h2>
        {can.admin && (
          <label className="inline">
            <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
            Show every user's keys
          </label>
        )}
        <ErrorText error={keys.error} />
        {keys.value?.keys.length === 0 && <p className="empty">No keys yet: create one above.</p>}
        {!!keys.value?.keys.length && (
          <DataTable
            testId="keys"
            columns={["Name", all && "Owner", "Prefix", "Scope", "Created", "Last used", "Expires", "State"]}
          >
            {keys.value.keys.map((k) => {
              const expired = !!k.expiresAt && k.expiresAt <= new Date().toISOString();
              return (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  {all && <td>{owners.value?.get(k.userId) ?? k.userId}</td>}
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>{k.scope}</td>
                  <td>{day(k.createdAt)}</td>
                  <td>{k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : "never"}</td>
                  <td>{day(k.expiresAt)}</td>
                  <td>
                    {k.revokedAt ? (
                      <span className="badge">revoked</span>
                    ) : expired ? (
                      <span className="badge">expired</span>
                    ) : confirming === k.id ? (
                      <div className="actions">
                        <button
                          type="button"
                          className="danger"
                          aria-label={`Confirm: revoke ${k.name}`}
                          onClick={() => void revoke(k)}
                        >
                          Confirm revoke
                        </button>
                        <button type="button" onClick={() => setConfirming(undefined)}>
                          Keep it
                        </button>
                      </div>
                    ) : (
                      <button type="button" aria-label={`Revoke ${k.name}`} onClick={() => setConfirming(k.id)}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </DataTable>
        )}
      </section>
    </>
  );
}
