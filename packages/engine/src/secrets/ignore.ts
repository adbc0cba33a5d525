/**
 * Inline suppression comments, in whatever comment syntax the file uses:
 *   token = "…"  # rampart:ignore                 drops every finding on this line
 *   token = "…"  // rampart:ignore github-pat      drops only that rule's findings (comma-separate several)
 *   # rampart:ignore-next-line                     drops findings on the following line
 * Words after the marker that are not rule ids (free text) make it apply to every rule.
 */
const MARKER = "rampart:ignore";
const DIRECTIVE = /rampart:ignore(-next-line)?(?![\w-])((?:[ \t]*,?[ \t]*[\w.:-]+)*)/g;

interface Directive {
  nextLine: boolean;
  /** Rule ids this directive names; empty means every rule. */
  rules: string[];
}

function directives(line: string, knownRule: (id: string) => boolean): Directive[] {
  if (!line.includes(MARKER)) return [];
  const out: Directive[] = [];
  for (const m of line.matchAll(DIRECTIVE)) {
    const words = (m[2] ?? "").split(/[\s,]+/).filter(Boolean);
    const rules: string[] = [];
    for (const w of words) {
      if (!knownRule(w)) break;
      rules.push(w);
    }
    out.push({ nextLine: m[1] !== undefined, rules });
  }
  return out;
}

/** True when a `rampart:ignore` comment on `line` (or `-next-line` on `previous`) suppresses `ruleId`. */
export function isIgnored(
  ruleId: string,
  line: string,
  previous: string | undefined,
  knownRule: (id: string) => boolean,
): boolean {
  const applies = (d: Directive) => d.rules.length === 0 || d.rules.includes(ruleId);
  if (directives(line, knownRule).some((d) => !d.nextLine && applies(d))) return true;
  return previous !== undefined && directives(previous, knownRule).some((d) => d.nextLine && applies(d));
}
