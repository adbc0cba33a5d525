/**
 * A go.mod reader covering what a package inventory needs: module, require, replace and exclude, in their
 * single-line and block forms, with `// indirect` markers. Hand-written because the only complete parser is
 * Go's own golang.org/x/mod/modfile; the grammar is line-based and small (lexing as modfile does: `//`
 * comments, "…" and `…` quoted tokens, `verb (` … `)` blocks).
 */

export interface GoModRequire {
  path: string;
  version: string;
  indirect: boolean;
}

export interface GoModReplace {
  oldPath: string;
  /** Only this version is replaced when set; every version otherwise. */
  oldVersion?: string;
  newPath: string;
  /** Absent when the replacement is a directory. */
  newVersion?: string;
}

export interface GoModFile {
  module?: string;
  go?: string;
  require: GoModRequire[];
  replace: GoModReplace[];
  exclude: Array<{ path: string; version: string }>;
  /** Lines that did not parse, with why. */
  problems: string[];
}

interface Line {
  tokens: string[];
  comment: string;
  number: number;
}

export function parseGoMod(text: string): GoModFile {
  const out: GoModFile = { require: [], replace: [], exclude: [], problems: [] };
  let block: string | undefined;
  const raws = text.split(/\r?\n/);
  for (let i = 0; i < raws.length; i++) {
    const line = lexLine(raws[i] as string, i + 1, out.problems);
    if (!line) continue;
    const t = line.tokens;
    if (t.length === 0) continue;
    let problem: string | undefined;
    if (block !== undefined) {
      if (t.length === 1 && t[0] === ")") block = undefined;
      else problem = directive(out, block, t, line);
    } else if (t.length === 2 && t[1] === "(") {
      block = t[0];
    } else if (!(t.length === 3 && t[1] === "(" && t[2] === ")")) {
      problem = directive(out, t[0] as string, t.slice(1), line);
    }
    if (problem) out.problems.push(`line ${line.number}: ${problem}`);
  }
  if (block !== undefined) out.problems.push(`unterminated ${block} block`);
  return out;
}

/** Applies one directive; returns what is wrong with it, if anything. */
function directive(out: GoModFile, verb: string, args: string[], line: Line): string | undefined {
  switch (verb) {
    case "module":
      if (args[0]) out.module = args[0];
      return undefined;
    case "go":
      if (args[0]) out.go = args[0];
      return undefined;
    case "require": {
      const [path, version] = args;
      if (args.length !== 2 || !path || !version) return "usage: require module/path v1.2.3";
      out.require.push({ path, version, indirect: isIndirect(line.comment) });
      return undefined;
    }
    case "exclude": {
      const [path, version] = args;
      if (args.length !== 2 || !path || !version) return "usage: exclude module/path v1.2.3";
      out.exclude.push({ path, version });
      return undefined;
    }
    case "replace": {
      const arrow = args.indexOf("=>");
      const left = args.slice(0, arrow);
      const right = args.slice(arrow + 1);
      if (arrow < 1 || left.length > 2 || right.length < 1 || right.length > 2) {
        return "usage: replace module/path [v1.2.3] => other/module v1.4.5 | ../local/dir";
      }
      const r: GoModReplace = { oldPath: left[0] as string, newPath: right[0] as string };
      if (left[1]) r.oldVersion = left[1];
      if (right[1]) r.newVersion = right[1];
      out.replace.push(r);
      return undefined;
    }
    default:
      // toolchain, godebug, retract, tool, ignore…: nothing to inventory.
      return undefined;
  }
}

/** modfile's rule: the comment is exactly "indirect" or starts with "indirect;". */
function isIndirect(comment: string): boolean {
  const c = comment.trim();
  return c === "indirect" || c.startsWith("indirect;");
}

/** Splits a line into tokens and its trailing `//` comment; quoted tokens are unquoted. */
function lexLine(raw: string, number: number, problems: string[]): Line | undefined {
  const tokens: string[] = [];
  let comment = "";
  let at = 0;
  while (at < raw.length) {
    const c = raw[at] as string;
    if (c === " " || c === "\t") {
      at++;
    } else if (raw.startsWith("//", at)) {
      comment = raw.slice(at + 2);
      break;
    } else if (c === '"' || c === "`") {
      const end = closingQuote(raw, at);
      if (end < 0) {
        problems.push(`line ${number}: unterminated quoted string`);
        return undefined;
      }
      const body = raw.slice(at + 1, end);
      tokens.push(c === '"' ? unescapeQuoted(body) : body);
      at = end + 1;
    } else if (c === "(" || c === ")") {
      tokens.push(c);
      at++;
    } else {
      let end = at;
      while (end < raw.length && !" \t()".includes(raw[end] as string) && !raw.startsWith("//", end)) end++;
      tokens.push(raw.slice(at, end));
      at = end;
    }
  }
  return { tokens, comment, number };
}

function closingQuote(s: string, open: number): number {
  const q = s[open];
  for (let i = open + 1; i < s.length; i++) {
    if (q === '"' && s[i] === "\\") i++;
    else if (s[i] === q) return i;
  }
  return -1;
}

function unescapeQuoted(s: string): string {
  return s.replace(/\\(.)/g, "$1");
}

export interface GoModDependency {
  path: string;
  version: string;
  indirect: boolean;
  /** "old/path@v1.0.0" when a replace directive changed the module. */
  replaces?: string;
}

/**
 * The modules a go.mod requires, with replace directives applied as the go command does (a versioned left side
 * matches only that version; a directory on the right side means local source, which is dropped) and exact
 * excluded versions removed.
 */
export function goModDependencies(mod: GoModFile): GoModDependency[] {
  const excluded = new Set(mod.exclude.map((e) => `${e.path}@${e.version}`));
  const out: GoModDependency[] = [];
  for (const req of mod.require) {
    if (excluded.has(`${req.path}@${req.version}`)) continue;
    // A directive for this exact version beats one for every version of the path, as in the go command.
    const matching = mod.replace.filter(
      (r) => r.oldPath === req.path && (!r.oldVersion || r.oldVersion === req.version),
    );
    const rep = matching.find((r) => r.oldVersion) ?? matching.at(-1);
    if (!rep) {
      out.push({ path: req.path, version: req.version, indirect: req.indirect });
    } else if (rep.newVersion) {
      out.push({
        path: rep.newPath,
        version: rep.newVersion,
        indirect: req.indirect,
        replaces: `${req.path}@${req.version}`,
      });
    }
  }
  return out;
}
