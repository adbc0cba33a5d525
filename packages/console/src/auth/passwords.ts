import { type Algorithm, hash, verify } from "@node-rs/argon2";

/** Algorithm.Argon2id: the binding declares a const enum, which isolated modules cannot read. */
const ARGON2ID = 2 as Algorithm;

/**
 * argon2id with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane): 20.5 ms per hash measured here, so a
 * login is cheap for the console and a stolen hash is expensive to attack. @node-rs/argon2 ships prebuilt binaries (no compile
 * at install) and writes standard PHC strings, so parameters can be raised later and old hashes still verify.
 */
const PARAMS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Shorter passwords are refused; longer than the maximum would only let a client make the server hash megabytes. */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

export class PasswordPolicyError extends Error {
  override name = "PasswordPolicyError";
}

/** Why a new password is refused, or undefined. */
export function passwordProblem(password: string): string | undefined {
  const n = [...password].length;
  if (n < MIN_PASSWORD_LENGTH) return `a password needs at least ${MIN_PASSWORD_LENGTH} characters`;
  if (n > MAX_PASSWORD_LENGTH) return `a password has at most ${MAX_PASSWORD_LENGTH} characters`;
  return undefined;
}

export async function hashPassword(password: string): Promise<string> {
  const problem = passwordProblem(password);
  if (problem) throw new PasswordPolicyError(problem);
  return hash(password.normalize("NFC"), PARAMS);
}

/** False for a wrong password, an over-long one or a malformed stored hash; never throws. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  if ([...password].length > MAX_PASSWORD_LENGTH) return false;
  return verify(stored, password.normalize("NFC")).catch(() => false);
}
