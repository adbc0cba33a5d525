import { type CelProgram, compileCel } from "./cel.js";
import type { Collector, Subject } from "./collectors/collector.js";
import type { Control, ControlResult, FrameworkId, Platform, PostureReport, Violation } from "./control.js";
import { frameworkView } from "./frameworks.js";
import type { PostureTarget } from "./target.js";

export interface PostureOptions {
  /** Only controls mapped to this framework run, and only its view is reported. */
  framework?: FrameworkId;
  /** Control ids not to run. */
  disabled?: readonly string[];
  /** Violations kept per control (the count is exact; the list stops here so a world-writable host stays small). */
  maxViolations?: number;
}

interface Compiled {
  control: Control;
  check: CelProgram;
  applies?: CelProgram;
  evidence?: CelProgram;
}

/**
 * Evaluates controls against a target: runs each collector an enabled control names once, then each control's
 * check on each of its collector's subjects. Every control gets a result — pass, fail, not-applicable (its
 * platform is absent, or no subject applies) or error (a collector or an expression failed: never a pass).
 */
export async function evaluatePosture(
  controls: readonly Control[],
  target: PostureTarget,
  collectors: readonly Collector[],
  o: PostureOptions = {},
): Promise<PostureReport> {
  const warnings: string[] = [];
  const disabled = new Set(o.disabled ?? []);
  const active = controls.filter((c) => !disabled.has(c.id) && (!o.framework || c.frameworks[o.framework]?.length));
  const byName = new Map(collectors.map((c) => [c.name, c]));
  const gathered = new Map<string, { subjects?: Subject[]; error?: string }>();
  for (const name of new Set(active.map((c) => c.input))) {
    const collector = byName.get(name);
    if (!collector) {
      gathered.set(name, { error: `no collector named ${name}` });
      continue;
    }
    try {
      const subjects = await collector.collect(target, (m) => warnings.push(`posture ${name}: ${m}`));
      gathered.set(name, subjects ? { subjects } : {});
    } catch (e) {
      gathered.set(name, { error: `collector ${name} failed: ${(e as Error).message}` });
    }
  }
  const max = o.maxViolations ?? 100;
  const results = active.map((control) => evaluate(compile(control), gathered.get(control.input) ?? {}, max));
  const platforms = [
    ...new Set([...gathered.entries()].filter(([, g]) => g.subjects).map(([n]) => byName.get(n)?.platform as Platform)),
  ].sort();
  return { platforms, results, frameworks: frameworkView(results, o.framework), warnings };
}

/** The control's expressions as programs (compileCel keeps each expression's program: loading compiled them). */
function compile(control: Control): Compiled {
  return {
    control,
    check: compileCel(control.check),
    ...(control.applies ? { applies: compileCel(control.applies) } : {}),
    ...(control.evidence ? { evidence: compileCel(control.evidence) } : {}),
  };
}

function evaluate(c: Compiled, g: { subjects?: Subject[]; error?: string }, max: number): ControlResult {
  const { control } = c;
  if (g.error) return { control, status: "error", subjects: 0, violations: [], reason: g.error };
  if (!g.subjects)
    return { control, status: "not-applicable", subjects: 0, violations: [], reason: `no ${control.platform} target` };
  const violations: Violation[] = [];
  let applicable = 0;
  let failed = 0;
  for (const s of g.subjects) {
    const vars = { [control.input]: s.facts };
    try {
      if (c.applies && c.applies(vars) !== true) continue;
      applicable++;
      const ok = c.check(vars);
      if (typeof ok !== "boolean") throw new Error(`check gave ${typeof ok}, not a bool`);
      if (ok) continue;
      failed++;
      if (violations.length < max)
        violations.push({
          subject: s.id,
          evidence: evidenceOf(c, vars),
          ...(s.location ? { location: s.location } : {}),
        });
    } catch (e) {
      return {
        control,
        status: "error",
        subjects: applicable,
        violations: [],
        reason: `${s.id}: ${(e as Error).message.split("\n")[0]}`,
      };
    }
  }
  if (applicable === 0)
    return {
      control,
      status: "not-applicable",
      subjects: 0,
      violations: [],
      reason: g.subjects.length ? "no subject applies" : "nothing to check",
    };
  return {
    control,
    status: failed ? "fail" : "pass",
    subjects: applicable,
    violations,
    ...(failed > violations.length
      ? { reason: `${failed} subjects failed; the first ${violations.length} are listed` }
      : {}),
  };
}

function evidenceOf(c: Compiled, vars: Record<string, unknown>): string[] {
  if (!c.evidence) return [];
  try {
    const v = c.evidence(vars);
    const list = Array.isArray(v) ? v : [v];
    return list
      .slice(0, 50)
      .map((x) => (typeof x === "string" ? x : JSON.stringify(x, (_k, y) => (typeof y === "bigint" ? Number(y) : y))));
  } catch (e) {
    return [`(evidence failed: ${(e as Error).message.split("\n")[0]})`];
  }
}
