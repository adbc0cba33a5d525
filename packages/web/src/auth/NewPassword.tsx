import { useState } from "react";
import { Field } from "../components/Field.js";

/**
 * The console's rule for a new password (console/src/auth/passwords.ts), shown before the user types and
 * checked before sending; the console checks again and its answer is shown too. Lengths count Unicode
 * characters (code points), as the console does.
 */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

export const PASSWORD_RULE = `${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters; a passphrase of a few words is best.`;

const length = (s: string) => [...s].length;

/** Why this new password (typed twice) would be refused, or undefined. */
export function newPasswordProblem(password: string, confirm: string): string | undefined {
  if (length(password) < MIN_PASSWORD_LENGTH)
    return `The new password needs at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (length(password) > MAX_PASSWORD_LENGTH) return `The new password has at most ${MAX_PASSWORD_LENGTH} characters.`;
  if (password !== confirm) return "The two new passwords differ: type the same one twice.";
  return undefined;
}

/** A new password typed twice, with the rule up front and a running count against it. */
export function NewPasswordFields({
  password,
  confirm,
  onPassword,
  onConfirm,
}: {
  password: string;
  confirm: string;
  onPassword(v: string): void;
  onConfirm(v: string): void;
}) {
  const n = length(password);
  const mismatch = confirm.length > 0 && confirm !== password;
  return (
    <>
      <p className="hint" id="password-rule">
        {PASSWORD_RULE}
      </p>
      <Field
        label="New password"
        type="password"
        autoComplete="new-password"
        required
        aria-describedby="password-rule password-count"
        value={password}
        onChange={onPassword}
      />
      {n > 0 && (
        <p className={`hint${n < MIN_PASSWORD_LENGTH ? " short" : ""}`} id="password-count">
          {n < MIN_PASSWORD_LENGTH
            ? `${n} characters: ${MIN_PASSWORD_LENGTH - n} more needed.`
            : n > MAX_PASSWORD_LENGTH
              ? `${n} characters: ${n - MAX_PASSWORD_LENGTH} too many.`
              : `${n} characters: long enough.`}
        </p>
      )}
      <Field
        label="Confirm new password"
        type="password"
        autoComplete="new-password"
        required
        aria-invalid={mismatch}
        aria-describedby={mismatch ? "password-mismatch" : undefined}
        value={confirm}
        onChange={onConfirm}
      />
      {mismatch && (
        <p className="error" id="password-mismatch">
          The two new passwords differ.
        </p>
      )}
    </>
  );
}

/** The state of a new password typed twice, the fields showing it, and the check to run before sending it. */
export function useNewPassword() {
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  return {
    password,
    problem: () => newPasswordProblem(password, confirm),
    clear: () => {
      setPassword("");
      setConfirm("");
    },
    fields: <NewPasswordFields password={password} confirm={confirm} onPassword={setPassword} onConfirm={setConfirm} />,
  };
}
