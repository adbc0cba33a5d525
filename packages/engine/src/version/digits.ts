/**
 * Compares two strings of ASCII digits as unbounded non-negative integers (leading zeros ignored), so that
 * version components longer than a JS number's 53 bits still order correctly, as every reference tool does.
 */
export function compareDigits(a: string, b: string): number {
  const x = stripZeros(a);
  const y = stripZeros(b);
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

function stripZeros(s: string): string {
  let i = 0;
  while (i < s.length - 1 && s.charCodeAt(i) === 48) i++;
  return s.slice(i);
}

/** Plain code-unit comparison (C strcmp / Java String.compareTo / Ruby <=> on ASCII). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
