import type { SecretSeverity } from "./rules/schema.js";

/**
 * One credential found in one file. It never holds the secret itself: only a masked preview and a salted
 * fingerprint, so findings can be stored, printed and compared without becoming a second copy of the leak.
 */
export interface SecretFinding {
  ruleId: string;
  title: string;
  severity: SecretSeverity;
  path: string;
  /** The image layer (diffID) the file came from, when scanning an image. */
  layer?: string;
  /** 1-based line of the secret's first character. */
  line: number;
  /** 1-based column of the secret's first character, in UTF-16 code units (SARIF's default column kind). */
  column: number;
  /** The secret masked: at most its first 4 and last 2 characters; all stars when it is shorter than 12. */
  preview: string;
  /** "sha256:" + hex HMAC-SHA256 keyed by the salt over the rule id and the secret: stable, not reversible. */
  fingerprint: string;
  /** Shannon entropy of the secret in bits per character. */
  entropy?: number;
  /** The line holding the secret with every secret found on it masked, at most 200 characters. */
  snippet?: string;
}
