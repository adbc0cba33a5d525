import { Link } from "react-router";

/**
 * What to do about a forgotten password. The console sends no email, so there is no self-service reset: an
 * admin creates a one-time reset link for the account (POST /users/:id/password-reset) and hands it over; the
 * link opens the page where the new password is chosen (/accept, as invitations do).
 */
export function ForgotPassword() {
  return (
    <main className="auth">
      <section className="card auth-card" aria-labelledby="forgot-title">
        <h1 id="forgot-title">Forgot your password?</h1>
        <p>This console sends no email, so it cannot mail you a reset link. Ask an administrator of this console:</p>
        <ol className="steps">
          <li>
            Under <strong>Settings → Users</strong> they create a <strong>reset link</strong> for your account and send
            it to you.
          </li>
          <li>Open the link and choose a new password.</li>
        </ol>
        <p className="hint">
          The link works once and expires (after 72 hours unless the admin chose otherwise). Setting the new password
          signs you out of every other session.
        </p>
        <p>
          <Link to="/sign-in">Back to sign in</Link>
        </p>
      </section>
    </main>
  );
}
