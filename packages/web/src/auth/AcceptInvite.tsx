import { type FormEvent, useState } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { ApiError, api } from "../api/client.js";

/** An invitation or password-reset link: the token is in the URL, the new password is chosen here. */
export function AcceptInvite() {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const navigate = useNavigate();
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api.acceptInvite(token, password);
      navigate("/", { replace: true });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "the console could not be reached");
    }
  };

  return (
    <main className="auth">
      <form className="card auth-card" onSubmit={submit} aria-labelledby="accept-title">
        <h1 id="accept-title">Choose your password</h1>
        {!token && <p className="error">This link has no token: open the whole link you were sent.</p>}
        <label>
          New password
          <input
            type="password"
            autoComplete="new-password"
            required
            minLength={12}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={!token}>
          Set password and sign in
        </button>
      </form>
    </main>
  );
}
