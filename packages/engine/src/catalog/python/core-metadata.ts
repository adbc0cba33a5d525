/**
 * Python's core metadata files (wheel METADATA, egg PKG-INFO) are RFC 822-style headers, then a blank line,
 * then the long description. Hand-written because only the header block matters and it is simple: a
 * mail-parsing library would buy nothing but weight. Continuation lines start with whitespace (metadata
 * 1.x indents the Description header's lines by 8 spaces, "        " included, so only a truly empty line
 * ends the headers).
 *
 * Returns the values of each header, keys lower-cased, in file order.
 */
export function parseCoreMetadata(text: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  let current: { key: string; lines: string[] } | undefined;
  const flush = () => {
    if (!current) return;
    const list = headers.get(current.key) ?? [];
    list.push(current.lines.join("\n").trim());
    headers.set(current.key, list);
    current = undefined;
  };
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line === "") break;
    if (/^[ \t]/.test(line)) {
      current?.lines.push(line.trim());
      continue;
    }
    flush();
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    current = { key: line.slice(0, colon).trim().toLowerCase(), lines: [line.slice(colon + 1).trim()] };
  }
  flush();
  return headers;
}
