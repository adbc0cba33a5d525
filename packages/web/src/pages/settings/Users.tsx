import { type FormEvent, useState } from "react";
import { api, errorMessage } from "../../api/client.js";
import { useData } from "../../api/useData.js";
import { useCan, useSession } from "../../auth/session.js";
import { DataTable } from "../../components/DataTable.js";
import { ErrorText } from "../../components/ErrorText.js";
import { AdminOnly, SettingsFrame } from "./Frame.js";
import { ShownOnce } from "./Secret.js";

type Role = "admin" | "standard" | "read-only";
const ROLES: Role[] = ["admin", "standard", "read-only"];

interface UserRow {
  id: string;
  email: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
}
interface Invitation {
  id: string;
  kind: "invite" | "password-reset";
  email: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
  state: "pending" | "used" | "revoked" | "expired";
}
interface Link {
  id: string;
  url: string;
  expiresAt: string;
}

/** Admin: users (role, enabled), invitations by link (shown once), password reset links, revocation. */
export function Users() {
  const can = useCan();
  return <SettingsFrame title="Users">{can.admin ? <UsersAdmin /> : <AdminOnly what="users" />}</SettingsFrame>;
}

function UsersAdmin() {
  const me = useSession().user;
  const users = useData(() => api.get<{ users: UserRow[] }>("/users"));
  const invitations = useData(() => api.get<{ invitations: Invitation[] }>("/invitations"));
  const [error, setError] = useState<string>();
  const [link, setLink] = useState<{ what: string; url: string; expiresAt: string }>();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("standard");

  const act = async (f: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await f();
    } catch (e) {
      setError(errorMessage(e));
    }
    users.reload();
    invitations.reload();
  };

  const update = (u: UserRow, change: { role?: Role; disabled?: boolean }) =>
    act(() => api.send("PATCH", `/users/${u.id}`, change));

  const reset = (u: UserRow) =>
    act(async () => {
      const l = await api.send<Link>("POST", `/users/${u.id}/password-reset`, {});
      setLink({ what: `Password reset link for ${u.email}`, url: l.url, expiresAt: l.expiresAt });
    });

  const invite = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      const l = await api.send<Link>("POST", "/invitations", { email: email.trim(), role });
      setLink({ what: `Invitation link for ${email.trim()} (${role})`, url: l.url, expiresAt: l.expiresAt });
      setEmail("");
    });
  };

  return (
    <>
      <ErrorText error={error} alert />
      <section className="card" aria-labelledby="invite-title">
        <h2 id="invite-title">Invite someone</h2>
        <form className="row" onSubmit={invite}>
          <label>
            Email
            <input type="email" required maxLength={254} value={email} onChange={(e) => setEmail(e.target.value)} />
          </label>
          <label>
            Role
            <select aria-label="Role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
          <button type="submit" className="primary">
            Create invitation link
          </button>
        </form>
        <p className="hint">
          The console sends no email: send the link yourself. It works once and expires in 72 hours.
        </p>
        {link && (
          <ShownOnce
            title={link.what}
            value={link.url}
            warning={`Copy it now: it is shown only this once (valid until ${new Date(link.expiresAt).toLocaleString()}).`}
          />
        )}
      </section>

      <section className="card" aria-labelledby="users-title">
        <h2 id="users-title">Users</h2>
        <ErrorText error={users.error} />
        {users.value && (
          <DataTable columns={["Email", "Role", "State", "Since", "Actions"]}>
            {users.value.users.map((u) => (
              <tr key={u.id}>
                <td>
                  {u.email}
                  {u.id === me?.id && <span className="hint"> (you)</span>}
                </td>
                <td>
                  {u.id === me?.id ? (
                    u.role
                  ) : (
                    <select
                      aria-label={`Role of ${u.email}`}
                      value={u.role}
                      onChange={(e) => void update(u, { role: e.target.value as Role })}
                    >
                      {ROLES.map((r) => (
                        <option key={r}>{r}</option>
                      ))}
                    </select>
                  )}
                </td>
                <td>{u.disabled ? <span className="badge">disabled</span> : "enabled"}</td>
                <td>{new Date(u.createdAt).toLocaleDateString()}</td>
                <td>
                  <div className="actions">
                    {u.id !== me?.id && (
                      <button
                        type="button"
                        aria-label={`${u.disabled ? "Enable" : "Disable"} ${u.email}`}
                        onClick={() => void update(u, { disabled: !u.disabled })}
                      >
                        {u.disabled ? "Enable" : "Disable"}
                      </button>
                    )}
                    <button
                      type="button"
                      aria-label={`Password reset link for ${u.email}`}
                      onClick={() => void reset(u)}
                    >
                      Reset link
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
        <p className="hint">
          Changing a role or disabling a user signs them out everywhere; their API keys follow. Another admin changes
          yours.
        </p>
      </section>

      <section className="card" aria-labelledby="invitations-title">
        <h2 id="invitations-title">Invitations and reset links</h2>
        <ErrorText error={invitations.error} />
        {invitations.value?.invitations.length === 0 && <p className="empty">None yet.</p>}
        {!!invitations.value?.invitations.length && (
          <DataTable
            columns={[
              "Email",
              "Kind",
              "Role",
              "State",
              "Expires",
              { key: "actions", label: <span className="visually-hidden">Actions</span> },
            ]}
          >
            {invitations.value.invitations.map((i) => (
              <tr key={i.id}>
                <td>{i.email}</td>
                <td>{i.kind === "invite" ? "invitation" : "password reset"}</td>
                <td>{i.role}</td>
                <td>
                  <span className={`badge invite-${i.state}`}>{i.state}</span>
                </td>
                <td>{new Date(i.expiresAt).toLocaleString()}</td>
                <td>
                  {i.state === "pending" && (
                    <button
                      type="button"
                      aria-label={`Revoke ${i.kind === "invite" ? "invitation" : "link"} for ${i.email}`}
                      onClick={() => void act(() => api.send("DELETE", `/invitations/${i.id}`))}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </>
  );
}
