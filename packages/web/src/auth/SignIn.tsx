import { type FormEvent, useEffect, useState } from "react";
import { Navigate, useLocation, useNavigate } from "react-router";
import { ApiError, api } from "../api/client.js";
import { useSession } from "./session.js";

/**
 * Sign-in, or — while the console has no user yet — registration of the first admin (the console tells which).
 */
export function SignIn() {
  const { user } = useSession();
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from ?? "/";
  const [registrationOpen, setRegistrationOpen] = useState<boolean | undefined>();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void api.get<{ registrationOpen: boolean }>("/auth/status").then((s) => setRegistrationOpen(s.registrationOpen));
  }, []);

  if (user) return <Navigate to={from} replace />;
  if (registrationOpen === undefined) return <p className="loading">Loading…</p>;
  const registering = registrationOpen;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await (registering ? api.register(email, password) : api.signIn(email, password));
      navigate(from, { replace: true });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "the console could not be reached");
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="auth">
      <form className="card auth-card" onSubmit={submit} aria-labelledby="auth-title">
        <h1 id="auth-title">{registering ? "Create the admin account" : "Sign in to Rampart"}</h1>
        {registering && (
          <p className="hint">
            This console has no users yet. The first account becomes its administrator; everyone else joins by
            invitation.
          </p>
        )}
        <label>
          Email
          <input
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label>
          Password
          <input
            type="password"
            autoComplete={registering ? "new-password" : "current-password"}
            required
            minLength={registering ? 12 : 1}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {registering && <p className="hint">At least 12 characters; a passphrase of a few words is best.</p>}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {registering ? "Create admin account" : "Sign in"}
        </button>
        {!registering && <p className="hint">Forgot your password? Ask an administrator for a reset link.</p>}
      </form>
    </main>
  );
}
