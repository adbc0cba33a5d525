/**
 * One deb822 paragraph (deb-control(5)): field names are case-insensitive, so they are stored lower case.
 * Values keep their continuation lines joined with "\n" (the leading space of each removed).
 */
export type Paragraph = Map<string, string>;

/**
 * Splits a deb822 file (dpkg's status database, a status.d entry) into paragraphs. Hand-written: the
 * format is a few rules (blank-line separated paragraphs, "Field: value", continuation lines that start
 * with a space or tab) and the npm parsers for it are unmaintained.
 * Lines that fit no rule are reported through `onBadLine` and skipped.
 */
export function parseParagraphs(text: string, onBadLine?: (lineNo: number, line: string) => void): Paragraph[] {
  const out: Paragraph[] = [];
  let current: Paragraph | undefined;
  let lastField: string | undefined;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/\r$/, "");
    if (line.trim() === "") {
      current = undefined;
      lastField = undefined;
      continue;
    }
    const first = line[0];
    if (first === " " || first === "\t") {
      if (current && lastField !== undefined) {
        current.set(lastField, `${current.get(lastField)}\n${line.slice(1)}`);
      } else {
        onBadLine?.(i + 1, line);
      }
      continue;
    }
    if (first === "#") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) {
      onBadLine?.(i + 1, line);
      continue;
    }
    if (!current) {
      current = new Map();
      out.push(current);
    }
    lastField = line.slice(0, colon).toLowerCase();
    current.set(lastField, line.slice(colon + 1).trim());
  }
  return out;
}
