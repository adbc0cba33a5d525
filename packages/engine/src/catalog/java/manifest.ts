/**
 * The main section of a JAR manifest (META-INF/MANIFEST.MF): "Name: value" lines, where a line starting with a
 * single space continues the previous one. Per-entry sections after the first blank line are not needed.
 */
export function parseManifest(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let key: string | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === "") break;
    if (line.startsWith(" ")) {
      if (key !== undefined) out.set(key, (out.get(key) ?? "") + line.slice(1));
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) {
      key = undefined;
      continue;
    }
    key = line.slice(0, colon).trim();
    out.set(key, line.slice(colon + 1).trim());
  }
  return out;
}

/**
 * A Java .properties file as Maven writes pom.properties: `key=value` or `key: value` lines, `#`/`!` comments.
 * Escapes and continuation lines are rare there and only undone for the common `\:` and `\=`.
 */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.trimStart();
    if (line === "" || line.startsWith("#") || line.startsWith("!")) continue;
    const m = /^((?:\\.|[^=:\s\\])+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (!m) continue;
    const unescapeKey = (s: string) => s.replace(/\\([:=\s\\])/g, "$1");
    out.set(unescapeKey(m[1] as string), unescapeKey((m[2] as string).trimEnd()));
  }
  return out;
}
