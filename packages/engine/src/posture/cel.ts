import { Environment } from "@marcbachmann/cel-js";

/**
 * The CEL environment controls are written in: the CEL spec (macros, `has`, `matches`, optional chaining
 * `a.?b.orValue(x)`) plus a few functions for what CEL cannot say about files:
 * - `modeAtMost(mode, "0640")`: no permission bit beyond the octal mask is set.
 * - `modeHasAny(mode, "0022")`: at least one of the octal mask's bits is set.
 * - `octal(mode)`: "0644", for evidence.
 * - `splitWords(s)`: the whitespace-separated words of a string.
 * Facts are plain JSON-like values; numbers arrive as CEL doubles, so the functions take both int and double.
 */
const env = new Environment({ enableOptionalTypes: true, unlistedVariablesAreDyn: true });

const mask = (s: string): number => {
  if (!/^0?[0-7]{1,4}$/.test(s)) throw new Error(`not an octal mode: ${s}`);
  return Number.parseInt(s, 8);
};
for (const t of ["int", "double"]) {
  env.registerFunction(
    `modeAtMost(${t}, string): bool`,
    (m: number | bigint, s: string) => (Number(m) & ~mask(s) & 0o7777) === 0,
  );
  env.registerFunction(
    `modeHasAny(${t}, string): bool`,
    (m: number | bigint, s: string) => (Number(m) & mask(s)) !== 0,
  );
  env.registerFunction(`octal(${t}): string`, (m: number | bigint) =>
    (Number(m) & 0o7777).toString(8).padStart(4, "0"),
  );
}
env.registerFunction("splitWords(string): list", (s: string) => s.split(/\s+/).filter(Boolean));

export type CelProgram = (vars: Record<string, unknown>) => unknown;

const compiled = new Map<string, CelProgram>();

/**
 * Parses and type-checks an expression once (loading validates every expression, the engine runs them: one
 * compile serves both); throws with CEL's message (and caret) when it is invalid.
 */
export function compileCel(expression: string): CelProgram {
  const known = compiled.get(expression);
  if (known) return known;
  const program = env.parse(expression);
  const checked = program.check();
  if (!checked.valid) throw new Error(checked.error?.message ?? "invalid expression");
  const run: CelProgram = (vars) => program(vars);
  compiled.set(expression, run);
  return run;
}
