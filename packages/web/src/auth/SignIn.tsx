import { type FormEvent, useEffect, useState } from "react";
import { Link, Navigate, useLocation, useNavigate } from "react-router";
import { api } from "../api/client.js";
import { useAction } from "../api/useAction.js";
import { ErrorText } from "../components/ErrorText.js";
import { Field } from "../components/Field.js";
import { MIN_PASSWORD_LENGTH, PASSWORD_RULE } from "./NewPassword.js";
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
  const { busy, error, run } = useAction();

  useEffect(() => {
    void api.get<{ registrationOpen: boolean }>("/auth/status").then((s) => setRegistrationOpen(s.registrationOpen));
  }, []);

  if (user) return <Navigate to={from} replace />;
  if (registrationOpen === undefined) return <p className="loading">Loading…</p>;
  const registering = registrationOpen;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await run(() => (registering ? api.register(email, password) : api.signIn(email, password))))
      navigate(from, { replace: true });
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
        <Field label="Email" type="email" autoComplete="username" required value={email} onChange={setEmail} />
        <Field
          label="Password"
          type="password"
          autoComplete={registering ? "new-password" : "current-password"}
          required
          minLength={registering ? MIN_PASSWORD_LENGTH : 1}
          value={password}
          onChange={setPassword}
        />
        {registering && <p className="hint">{PASSWORD_RULE}</p>}
        <ErrorText error={error} alert />
        <button type="submit" className="primary" disabled={busy}>
          {registering ? "Create admin account" : "Sign in"}
        </button>
        {!registering && (
          <p className="hint">
            <Link to="/forgot-password">Forgot your password?</Link>
          </p>
        )}
      </form>
    </main>
  );
}
