/**
 * Parses the module info text embedded in Go binaries (the reverse of runtime/debug.BuildInfo.String, as
 * runtime/debug.ParseBuildInfo does). Unlike Go's parser, a bad line is reported and skipped instead of failing
 * the whole binary.
 *
 *   path	example.com/app
 *   mod	example.com/app	(devel)
 *   dep	golang.org/x/net	v0.7.0	h1:…
 *   =>	example.com/fork	v0.7.1	h1:…        (replaces the module on the line above)
 *   build	GOARCH=amd64
 */

export interface GoModule {
  path: string;
  version: string;
  sum: string;
  replace?: GoModule;
}

export interface GoModInfo {
  /** Package path of the main package ("example.com/app/cmd/app"). */
  path: string;
  main?: GoModule;
  deps: GoModule[];
  /** Build settings in order ("-compiler" → "gc", "GOARCH" → "amd64", "vcs.revision" → …). */
  settings: Array<[string, string]>;
  /** Lines that did not parse, with why. */
  problems: string[];
}

export function parseModInfo(text: string): GoModInfo {
  const info: GoModInfo = { path: "", deps: [], settings: [], problems: [] };
  let last: GoModule | undefined;
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    const tab = line.indexOf("\t");
    if (tab < 0) return;
    const verb = line.slice(0, tab);
    const rest = line.slice(tab + 1);
    const bad = (why: string) => info.problems.push(`line ${i + 1}: ${why}`);
    switch (verb) {
      case "path":
        info.path = rest;
        return;
      case "mod":
      case "dep": {
        const m = moduleLine(rest.split("\t"));
        if (!m) {
          last = undefined;
          bad(`expected 2 or 3 columns after "${verb}"`);
          return;
        }
        if (verb === "mod") info.main = m;
        else info.deps.push(m);
        last = m;
        return;
      }
      case "=>": {
        const cols = rest.split("\t");
        if (cols.length !== 3 || !last) {
          bad(last ? "expected 3 columns for a replacement" : "replacement with no module on the line above");
          return;
        }
        last.replace = { path: cols[0] ?? "", version: cols[1] ?? "", sum: cols[2] ?? "" };
        last = undefined;
        return;
      }
      case "build": {
        const kv = buildSetting(rest);
        if (kv) info.settings.push(kv);
        else bad("malformed build setting");
        return;
      }
      default:
        return;
    }
  });
  return info;
}

function moduleLine(cols: string[]): GoModule | undefined {
  if (cols.length !== 2 && cols.length !== 3) return undefined;
  return { path: cols[0] ?? "", version: cols[1] ?? "", sum: cols[2] ?? "" };
}

/** `key=value`, where key and value may be Go-quoted when they contain spaces, tabs, quotes or "=". */
function buildSetting(kv: string): [string, string] | undefined {
  let key: string | undefined;
  let raw: string;
  if (kv.startsWith('"') || kv.startsWith("`")) {
    const end = quotedPrefixLength(kv);
    if (end === undefined || kv[end] !== "=") return undefined;
    key = goUnquote(kv.slice(0, end));
    raw = kv.slice(end + 1);
  } else {
    const eq = kv.indexOf("=");
    if (eq <= 0) return undefined;
    key = kv.slice(0, eq);
    raw = kv.slice(eq + 1);
  }
  const value = raw.startsWith('"') || raw.startsWith("`") ? goUnquote(raw) : raw;
  return key === undefined || value === undefined ? undefined : [key, value];
}

function quotedPrefixLength(s: string): number | undefined {
  const q = s[0];
  for (let i = 1; i < s.length; i++) {
    if (q === '"' && s[i] === "\\") i++;
    else if (s[i] === q) return i + 1;
  }
  return undefined;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  '"': '"',
  "'": "'",
};

/** strconv.Unquote for the forms strconv.Quote produces (raw `…` strings and "…" with Go escapes). */
export function goUnquote(s: string): string | undefined {
  if (s.length >= 2 && s.startsWith("`") && s.endsWith("`")) return s.slice(1, -1);
  if (s.length < 2 || !s.startsWith('"') || !s.endsWith('"')) return undefined;
  let out = "";
  const body = s.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) return undefined;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    const width = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : /[0-7]/.test(e) ? 3 : 0;
    if (width === 0) return undefined;
    const digits = e === "x" || e === "u" || e === "U" ? body.slice(i + 1, i + 1 + width) : body.slice(i, i + 3);
    const code = Number.parseInt(digits, e === "x" || e === "u" || e === "U" ? 16 : 8);
    if (digits.length !== width || Number.isNaN(code) || code > 0x10ffff) return undefined;
    out += String.fromCodePoint(code);
    i += e === "x" || e === "u" || e === "U" ? width : 2;
  }
  return out;
}
