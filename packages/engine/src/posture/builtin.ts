import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { allCollectors } from "./collectors/index.js";
import type { Control } from "./control.js";
import { ControlSetError, loadControlSet } from "./load.js";

/**
 * The controls Rampart ships: src/posture/controls/*.yaml beside this module (dist/posture/controls when
 * compiled with tsc); the CLI bundle carries them in posture-controls/ beside itself.
 */
export function builtinControlsDir(): string {
  for (const candidate of ["./posture-controls/", "./controls/"]) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (yamlFiles(dir).length) return dir;
  }
  throw new Error(`the built-in posture controls are missing next to ${fileURLToPath(import.meta.url)}`);
}

function yamlFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith(".yaml"))
      .sort();
  } catch {
    return [];
  }
}

export const COLLECTOR_NAMES: ReadonlySet<string> = new Set(allCollectors.map((c) => c.name));

let builtin: Control[] | undefined;
/** Every built-in control, each file validated; an id defined in two files is an error. */
export function loadBuiltinControls(): Control[] {
  if (builtin) return builtin;
  const dir = builtinControlsDir();
  const out: Control[] = [];
  const owner = new Map<string, string>();
  for (const f of yamlFiles(dir)) {
    const set = loadControlSet(readFileSync(join(dir, f), "utf8"), f, COLLECTOR_NAMES);
    for (const c of set.controls) {
      const prev = owner.get(c.id);
      if (prev) throw new ControlSetError(f, [`${f} (${c.id}): the id is already defined in ${prev}`]);
      owner.set(c.id, f);
      out.push({ ...c, origin: "builtin" });
    }
  }
  builtin = out;
  return out;
}
