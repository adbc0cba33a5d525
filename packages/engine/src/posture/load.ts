/**
 * Control files: Rampart's built-in controls (controls/*.yaml) and the files users add in the same format.
 *
 * ```yaml
 * version: 1
 * controls:
 *   - id: linux-sshd-root-login          # kebab-case, unique, stable (users disable and override by id)
 *     title: SSH root login is disabled
 *     platform: linux                    # linux | docker | kubernetes | dockerfile
 *     severity: high                     # critical | high | medium | low
 *     level: 1                           # CIS profile level, 1 or 2 (default 1)
 *     rationale: Direct root logins leave no trace of who used the account.
 *     remediation: Set "PermitRootLogin no" in /etc/ssh/sshd_config.
 *     input: sshd                        # the collector whose subjects the check reads
 *     applies: sshd.installed            # optional CEL: false → not applicable
 *     check: sshd.config.permitrootlogin == "no"      # CEL: true → compliant
 *     evidence: '"PermitRootLogin " + sshd.config.permitrootlogin'   # optional CEL: string or list
 *     frameworks: { cis: ["5.1.20"], pci: ["2.2.6"], nist: ["AC-6(2)"] }
 *     references: ["https://man.openbsd.org/sshd_config#PermitRootLogin"]
 *   - id: linux-cron-daemon-enabled
 *     disabled: true                     # in a user file: switch a built-in control off
 * ```
 *
 * Loading compiles every expression and reports every problem of a file at once, each with its line and
 * control id: a control that can never run would otherwise pass silently.
 */
import { isMap, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { compileCel } from "./cel.js";
import { type Control, FRAMEWORKS, PLATFORMS, POSTURE_SEVERITIES } from "./control.js";

export const CONTROLS_FORMAT_VERSION = 1;

export interface ControlSet {
  controls: Control[];
  /** Ids this file switches off. */
  disabled: string[];
}

export class ControlSetError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(
      problems.length === 1
        ? (problems[0] as string)
        : `${file}: ${problems.length} problems in posture controls:\n${problems.map((p) => `  ${p}`).join("\n")}`,
    );
    this.name = "ControlSetError";
  }
}

const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const IDENT = /^[a-z][a-zA-Z0-9]*$/;
const KEYS = new Set([
  "id",
  "title",
  "platform",
  "severity",
  "level",
  "rationale",
  "remediation",
  "input",
  "applies",
  "check",
  "evidence",
  "frameworks",
  "references",
  "disabled",
]);

/**
 * Parses and validates a control file. `collectors` are the known collector names (an unknown `input` is an
 * error). Throws ControlSetError listing every problem.
 */
export function loadControlSet(yamlText: string, file: string, collectors: ReadonlySet<string>): ControlSet {
  const lines = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0)
    throw new ControlSetError(
      file,
      doc.errors.map((e) => `${file}:${lines.linePos(e.pos[0]).line}: invalid YAML: ${e.message.split("\n")[0]}`),
    );
  const root = doc.contents;
  const seq = isMap(root) ? root.get("controls", true) : undefined;
  if (!isMap(root) || !isSeq(seq))
    throw new ControlSetError(file, [`${file}: expected a mapping with "version" and "controls"`]);
  const version: unknown = root.toJSON().version;
  if (version !== CONTROLS_FORMAT_VERSION)
    throw new ControlSetError(file, [
      `${file}: version ${String(version)} is not supported (this build reads ${CONTROLS_FORMAT_VERSION})`,
    ]);
  const problems: string[] = [];
  const controls: Control[] = [];
  const disabled: string[] = [];
  const seen = new Set<string>();
  for (const item of seq.items) {
    const at = `${file}:${lines.linePos((item as Node).range?.[0] ?? 0).line}`;
    if (!isMap(item)) {
      problems.push(`${at}: a control must be a mapping`);
      continue;
    }
    const c = item.toJSON() as Record<string, unknown>;
    const id = typeof c.id === "string" ? c.id : "";
    const where = `${at} (${id || "no id"})`;
    const bad = (m: string) => problems.push(`${where}: ${m}`);
    if (!ID.test(id)) bad(`id must be kebab-case, got ${JSON.stringify(c.id)}`);
    else if (seen.has(id)) bad("id is used twice in this file");
    seen.add(id);
    for (const k of Object.keys(c)) if (!KEYS.has(k)) bad(`unknown key "${k}"`);
    if (c.disabled === true) {
      if (Object.keys(c).some((k) => k !== "id" && k !== "disabled")) bad("a disabled entry has only id and disabled");
      disabled.push(id);
      continue;
    }
    const control = validate(c, id, file, collectors, bad);
    if (control) controls.push(control);
  }
  if (problems.length > 0) throw new ControlSetError(file, problems);
  return { controls, disabled };
}

function validate(
  c: Record<string, unknown>,
  id: string,
  file: string,
  collectors: ReadonlySet<string>,
  bad: (m: string) => void,
): Control | undefined {
  let ok = true;
  const fail = (m: string) => {
    ok = false;
    bad(m);
  };
  const text = (k: string, required = true): string | undefined => {
    const v = c[k];
    if (v === undefined && !required) return undefined;
    if (typeof v !== "string" || v.trim() === "") {
      fail(`${k} must be a non-empty string`);
      return undefined;
    }
    return v.trim();
  };
  const title = text("title");
  const rationale = text("rationale");
  const remediation = text("remediation");
  const input = text("input");
  const check = text("check");
  const applies = text("applies", false);
  const evidence = text("evidence", false);
  if (!PLATFORMS.includes(c.platform as never)) fail(`platform must be one of ${PLATFORMS.join(", ")}`);
  if (!POSTURE_SEVERITIES.includes(c.severity as never))
    fail(`severity must be one of ${POSTURE_SEVERITIES.join(", ")}`);
  const level = c.level ?? 1;
  if (level !== 1 && level !== 2) fail("level must be 1 or 2");
  if (input !== undefined && !(IDENT.test(input) && collectors.has(input)))
    fail(`input "${input}" is not a collector (known: ${[...collectors].sort().join(", ")})`);
  for (const [k, expr] of [
    ["check", check],
    ["applies", applies],
    ["evidence", evidence],
  ] as const) {
    if (expr === undefined) continue;
    try {
      compileCel(expr);
    } catch (e) {
      fail(`${k}: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  const frameworks: Control["frameworks"] = {};
  if (c.frameworks !== undefined) {
    if (typeof c.frameworks !== "object" || c.frameworks === null || Array.isArray(c.frameworks))
      fail("frameworks must be a mapping");
    else
      for (const [k, v] of Object.entries(c.frameworks)) {
        if (!FRAMEWORKS.includes(k as never))
          fail(`frameworks: unknown framework "${k}" (known: ${FRAMEWORKS.join(", ")})`);
        else if (!Array.isArray(v) || v.length === 0 || !v.every((r) => typeof r === "string" && r.trim() !== ""))
          fail(`frameworks.${k} must be a list of requirement ids`);
        else frameworks[k as keyof typeof frameworks] = v.map((r: string) => r.trim());
      }
  }
  const references = c.references ?? [];
  if (!Array.isArray(references) || !references.every((r) => typeof r === "string" && /^https?:\/\/\S+$/.test(r)))
    fail("references must be a list of URLs");
  if (!ok || !title || !rationale || !remediation || !input || !check) return undefined;
  return {
    id,
    title,
    platform: c.platform as Control["platform"],
    severity: c.severity as Control["severity"],
    level: level as 1 | 2,
    rationale,
    remediation,
    input,
    ...(applies ? { applies } : {}),
    check,
    ...(evidence ? { evidence } : {}),
    frameworks,
    ...((references as string[]).length ? { references: references as string[] } : {}),
    origin: file,
  };
}

/** The base set with a user's set layered on: same id replaces, disabled ids are removed. */
export function mergeControlSets(base: Control[], ...overlays: ControlSet[]): Control[] {
  const byId = new Map(base.map((c) => [c.id, c]));
  for (const o of overlays) {
    for (const id of o.disabled) byId.delete(id);
    for (const c of o.controls) byId.set(c.id, c);
  }
  return [...byId.values()];
}
