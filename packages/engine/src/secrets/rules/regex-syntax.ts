/**
 * The regex dialect of secret rules: the intersection of RE2 and JavaScript RegExp where both give a pattern
 * the same meaning. The engine runs rules on a linear-time engine (RE2), tests and tools run them as
 * JavaScript RegExps; a construct that only one of them knows, or that they read differently, is refused
 * here with the reason, so a rule file fails at load time instead of matching differently in production.
 *
 * Hand-written: no library checks "portable between RE2 and ECMAScript"; compiling with both engines is the
 * test suite's job (RE2 is a native module the loader does not need).
 */

/** RE2 refuses counted repetitions above this. */
export const MAX_REPEAT = 1000;

/** The first construct in `source` that is not portable, described for a rule author, or undefined. */
export function portabilityProblem(source: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    const next = source[i + 1];
    if (c === "\\") {
      const problem = escapeProblem(next, source[i + 2], inClass);
      if (problem) return problem;
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") {
      // `[]` and `[^]` are an empty / any-character class in JavaScript but start a literal `]` in RE2.
      const first = next === "^" ? source[i + 2] : next;
      if (first === "]") return "a class starting with ']' ([] or [^]) means different things in RE2 and JavaScript";
      inClass = true;
      if (next === "^") i++;
      continue;
    }
    if (c === ".") return "'.' (RE2 lets it match \\r, JavaScript does not: write [^\\n] or [^\\r\\n])";
    if (c === "(" && next === "?") {
      const problem = groupProblem(source.slice(i + 2));
      if (problem) return problem;
      continue;
    }
    if ((c === "*" || c === "+" || c === "?") && next === "+") return `possessive quantifier "${c}+" (not supported)`;
    if (c === "{") {
      const m = /^\{(\d+)(?:,(\d*))?\}/.exec(source.slice(i));
      if (!m) continue; // a literal brace in both engines
      const low = Number(m[1]);
      const high = m[2] ? Number(m[2]) : low;
      if (low > MAX_REPEAT || high > MAX_REPEAT) return `repetition count above ${MAX_REPEAT} in "${m[0]}" (RE2 limit)`;
      if (m[2] !== undefined && m[2] !== "" && high < low) return `repetition "${m[0]}" has its bounds reversed`;
      if (source[i + m[0].length] === "+") return `possessive quantifier "${m[0]}+" (not supported)`;
      i += m[0].length - 1;
    }
  }
  return undefined;
}

function escapeProblem(next: string | undefined, after: string | undefined, inClass: boolean): string | undefined {
  if (next === undefined) return "ends with a lone backslash";
  if (/[1-9]/.test(next)) {
    return inClass
      ? `octal escape "\\${next}" inside a class (use \\xHH)`
      : `backreference "\\${next}" (not supported by RE2)`;
  }
  if (next === "0") return 'escape "\\0" (use \\x00)';
  if (inClass && (next === "b" || next === "B"))
    return `"\\${next}" inside a class (a backspace in JavaScript, an error in RE2)`;
  if (next === "k") return 'named backreference "\\k<...>" (not supported by RE2)';
  if (next === "p" || next === "P")
    return `Unicode property "\\${next}{...}" (JavaScript reads it as a letter without the u flag)`;
  if (next === "u") return 'escape "\\uHHHH" (RE2 does not know it; use \\xHH or the character)';
  if (next === "x" && after === "{") return 'escape "\\x{...}" (JavaScript does not know it; use \\xHH)';
  if (next === "c") return 'control escape "\\cX" (RE2 does not know it; use \\xHH)';
  if ("AzZQECGXR".includes(next)) return `escape "\\${next}" (RE2-only or meaningless in JavaScript)`;
  return undefined;
}

function groupProblem(rest: string): string | undefined {
  if (rest.startsWith(":")) return undefined;
  if (rest.startsWith("=") || rest.startsWith("!")) return `lookahead "(?${rest[0]}" (not supported by RE2)`;
  if (rest.startsWith("<=") || rest.startsWith("<!"))
    return `lookbehind "(?${rest.slice(0, 2)}" (not supported by RE2)`;
  if (rest.startsWith("<") || rest.startsWith("P<"))
    return "named group (write a numbered group and point secretGroup at it)";
  if (rest.startsWith(">")) return 'atomic group "(?>" (not supported)';
  if (/^[a-zA-Z-]/.test(rest)) return "inline flags such as (?i) (use caseInsensitive: true)";
  return `unsupported group syntax "(?${rest.slice(0, 1)}"`;
}
