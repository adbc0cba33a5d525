import type { FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { api } from "../api/client.js";
import { useAction } from "../api/useAction.js";
import { ErrorText } from "../components/ErrorText.js";
import { useNewPassword } from "./NewPassword.js";

/**
 * An invitation or a password reset link (an admin made it; the console sends no email): the token is in the
 * URL, the new password is chosen here, typed twice. Either way the user is signed in after.
 */
export function AcceptInvite() {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const navigate = useNavigate();
  const next = useNewPassword();
  const { busy, error, setError, run } = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = next.problem();
    if (problem) return setError(problem);
    if (await run(() => api.acceptInvite(token, next.password))) navigate("/", { replace: true });
  };

  return (
    <main className="auth">
      <form className="card auth-card" onSubmit={submit} aria-labelledby="accept-title">
        <h1 id="accept-title">Choose your password</h1>
        <p className="hint">
          For the invitation or the password reset link an admin sent you. The link works once; a reset signs you out of
          every other session.
        </p>
        {!token && <p className="error">This link has no token: open the whole link you were sent.</p>}
        {next.fields}
        <ErrorText error={error} alert />
        <button type="submit" className="primary" disabled={!token || busy}>
          Set password and sign in
        </button>
        <p className="hint">
          Link used or expired? Ask the admin for a new one. <Link to="/sign-in">Sign in</Link>
        </p>
      </form>
    </main>
  );
}
