/** Characters of a secret a preview may show: the first few and the last few, never more. */
const HEAD = 4;
const TAIL = 2;
/** Shorter secrets are masked entirely: 6 of 11 characters would give most of it away. */
export const MIN_PARTIAL_LENGTH = 12;
/** Long secrets (private keys) would otherwise give previews of thousands of stars. */
const MAX_STARS = 16;

/**
 * Masks a secret for display: first 4 and last 2 characters with the middle as stars, or all stars when it
 * is shorter than 12 characters. Whitespace and control characters in the kept ends become spaces, so a
 * preview always fits on one line.
 */
export function maskSecret(secret: string): string {
  const chars = [...secret];
  const n = chars.length;
  if (n < MIN_PARTIAL_LENGTH) return "*".repeat(Math.min(Math.max(n, 1), MAX_STARS));
  const head = chars.slice(0, HEAD).join("");
  const tail = chars.slice(n - TAIL).join("");
  return `${oneLine(head)}${"*".repeat(Math.min(n - HEAD - TAIL, MAX_STARS))}${oneLine(tail)}`;
}

const oneLine = (s: string): string => s.replace(/[\s\p{Cc}]/gu, " ");
