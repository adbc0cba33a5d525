/**
 * Parses os-release(5): newline-separated KEY=value assignments in a small subset of shell syntax.
 * Values may be unquoted, "double-quoted" (where \ escapes $ " \ ` and a newline) or 'single-quoted';
 * lines starting with # are comments. Hand-written: the format is a dozen lines and no package parses
 * exactly this subset.
 */
export function parseOsRelease(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m?.[1]) continue;
    fields.set(m[1], unquote(m[2] ?? ""));
  }
  return fields;
}

function unquote(value: string): string {
  const q = value[0];
  if ((q === '"' || q === "'") && value.length >= 2 && value.endsWith(q)) {
    const inner = value.slice(1, -1);
    return q === '"' ? inner.replace(/\\([$"\\`])/g, "$1") : inner;
  }
  // Unquoted: a trailing comment is not part of the value.
  return value.replace(/\s+#.*$/, "").trim();
}
