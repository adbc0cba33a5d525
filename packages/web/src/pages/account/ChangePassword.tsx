import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { api } from "../../api/client.js";
import { useAction } from "../../api/useAction.js";
import { useNewPassword } from "../../auth/NewPassword.js";
import { useCan, useSession } from "../../auth/session.js";
import { ErrorText } from "../../components/ErrorText.js";
import { Field } from "../../components/Field.js";

/**
 * The signed-in user's own password: the current one, the new one twice. The console then revokes every
 * session and access token of this user and hands this browser a new session, so the user stays signed in here
 * and everywhere else must sign in again.
 */
export function ChangePassword() {
  const { user } = useSession();
  const can = useCan();
  const [current, setCurrent] = useState("");
  const next = useNewPassword();
  const { busy, error, setError, run } = useAction();
  const [changed, setChanged] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setChanged(false);
    const problem = next.problem();
    if (problem) return setError(problem);
    if (!(await run(() => api.changePassword(current, next.password)))) return;
    setChanged(true);
    setCurrent("");
    next.clear();
  };

  return (
    <div className="page account">
      <h1>Change password</h1>
      {changed && (
        <section className="card account-form" role="status" aria-label="Password changed">
          <p>
            <strong>Your password is changed.</strong> You stay signed in here; every other session of yours was signed
            out and needs the new password.
          </p>
          {can.write && (
            <p className="hint">
              API keys are not affected: if the old password may have leaked, review them under{" "}
              <Link to="/settings/api-keys">Settings → API keys</Link>.
            </p>
          )}
        </section>
      )}
      <form className="card account-form" onSubmit={submit} aria-labelledby="password-title">
        <h2 id="password-title">Your password</h2>
        <p className="hint">Signed in as {user?.email}.</p>
        <Field
          label="Current password"
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={setCurrent}
        />
        {next.fields}
        <ErrorText error={error} alert />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Changing…" : "Change password"}
        </button>
        <p className="hint">
          Changing it signs you out everywhere else (other browsers and devices); this browser stays signed in.
        </p>
      </form>
    </div>
  );
}
