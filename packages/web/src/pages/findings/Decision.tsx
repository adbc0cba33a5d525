import { type FormEvent, useState } from "react";
import { api, errorMessage } from "../../api/client.js";
import { useCan } from "../../auth/session.js";
import { ErrorText } from "../../components/ErrorText.js";
import { day } from "./format.js";
import type { Decision as DecisionState, Finding } from "./types.js";

const LABEL: Record<DecisionState["status"], string> = {
  accepted: "Risk accepted",
  "false-positive": "False positive",
};

const today = () => new Date().toISOString().slice(0, 10);

/**
 * The decision on a finding: the one in force (everyone sees it), and for users who may write, the form to
 * accept the risk or mark a false positive (reason required, expiry optional), or to reopen it.
 */
export function Decision({ finding, onChanged }: { finding: Finding; onChanged(): void }) {
  const { write } = useCan();
  const [reason, setReason] = useState("");
  const [expires, setExpires] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const state = finding.state;

  const run = async (call: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await call();
      setReason("");
      setExpires("");
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const decide = (status: DecisionState["status"]) => {
    if (!reason.trim()) return setError("Say why: a reason is required.");
    // The expiry is the end of the chosen day, in the user's time zone.
    const expiresAt = expires ? new Date(`${expires}T23:59:59.999`).toISOString() : undefined;
    void run(() =>
      api.send("PUT", `/findings/${finding.id}/state`, {
        status,
        reason: reason.trim(),
        ...(expiresAt ? { expiresAt } : {}),
      }),
    );
  };

  return (
    <section className="card" aria-labelledby="decision-title">
      <h2 id="decision-title">Decision</h2>
      {state ? (
        <div className="decision" data-testid="decision">
          <p>
            <span className="badge">{LABEL[state.status]}</span> by {state.by} on {day(state.at)}
            {state.expiresAt ? `, until ${day(state.expiresAt)}` : ", with no expiry"}
          </p>
          <blockquote>{state.reason}</blockquote>
          {write && (
            <button
              type="button"
              disabled={busy}
              onClick={() => void run(() => api.send("DELETE", `/findings/${finding.id}/state`))}
            >
              Reopen
            </button>
          )}
        </div>
      ) : (
        <p className="hint">Open: nobody has decided on this finding.</p>
      )}
      {write && !state && (
        <form
          className="decision-form"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            decide("accepted");
          }}
        >
          <label>
            Reason
            <textarea
              required
              maxLength={2000}
              rows={3}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              placeholder="Why this finding can wait or does not apply"
            />
          </label>
          <label>
            Expires on (optional)
            <input type="date" min={today()} value={expires} onChange={(e) => setExpires(e.target.value)} />
          </label>
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              Accept risk
            </button>
            <button
              type="button"
              disabled={busy}
              onClick={(e) => {
                if (e.currentTarget.form?.reportValidity() !== false) decide("false-positive");
              }}
            >
              False positive
            </button>
          </div>
          <ErrorText error={error} alert />
        </form>
      )}
      {write && state && error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
