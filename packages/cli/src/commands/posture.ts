import { readFile } from "node:fs/promises";
import {
  allCollectors,
  CLUSTER_TARGET,
  type Control,
  type ControlSet,
  evaluatePosture,
  FRAMEWORKS,
  type FrameworkId,
  loadBuiltinControls,
  loadControlSet,
  mergeControlSets,
  type OpenedPostureTarget,
  openClusterTarget,
  openPostureTarget,
  type PostureReport,
  parseTarget,
  type SourceOptions,
} from "@rampart/engine";
import type { Command } from "commander";
import { UsageError } from "../errors.js";

/** The posture options of `rampart scan`. */
export interface PostureCliOptions {
  framework?: string;
  postureControls?: string[];
  disableControl?: string[];
  dockerSocket?: string;
  kubeconfig?: string;
}

export function withPostureOptions(cmd: Command): Command {
  return cmd
    .option(
      "--framework <id>",
      `posture: only controls mapped to this framework, and its score: ${FRAMEWORKS.join(", ")}`,
    )
    .option(
      "--posture-controls <file...>",
      "posture: more control files (YAML, the built-in format; same id replaces, disabled: true switches off)",
    )
    .option("--disable-control <id...>", "posture: control ids not to evaluate")
    .option("--kubeconfig <file>", "posture of k8s://[CONTEXT]: the kubeconfig (default $KUBECONFIG, ~/.kube/config)")
    .option(
      "--docker-socket <path>",
      "posture: the Docker-compatible engine API socket whose daemon and containers to check (host scans look for /var/run/docker.sock and /run/podman/podman.sock)",
    );
}

/** Built-in controls with the user's files layered on, validated before anything is read. */
export async function postureControls(o: PostureCliOptions): Promise<{ controls: Control[]; framework?: FrameworkId }> {
  if (o.framework !== undefined && !FRAMEWORKS.includes(o.framework as FrameworkId))
    throw new UsageError(`--framework: unknown framework ${o.framework}; use one of ${FRAMEWORKS.join(", ")}`);
  const names = new Set(allCollectors.map((c) => c.name));
  const overlays: ControlSet[] = [];
  for (const file of o.postureControls ?? []) overlays.push(loadControlSet(await readFile(file, "utf8"), file, names));
  const controls = mergeControlSets(loadBuiltinControls(), ...overlays);
  const known = new Set(controls.map((c) => c.id));
  for (const id of o.disableControl ?? [])
    if (!known.has(id)) throw new UsageError(`--disable-control: no control ${id} (see the control files for ids)`);
  return { controls, ...(o.framework ? { framework: o.framework as FrameworkId } : {}) };
}

/** Opens the target for posture and evaluates the controls against it. */
export async function runPosture(
  targetText: string,
  o: PostureCliOptions,
  sourceOptions: SourceOptions,
): Promise<{ opened: OpenedPostureTarget; report: PostureReport }> {
  const { controls, framework } = await postureControls(o);
  const cluster = CLUSTER_TARGET.exec(targetText);
  const opened = cluster
    ? await openClusterTarget({
        ...(cluster[1] ? { context: cluster[1] } : {}),
        ...(o.kubeconfig ? { kubeconfig: o.kubeconfig } : {}),
      })
    : await openPostureTarget(await parseTarget(targetText), {
        ...sourceOptions,
        ...(o.dockerSocket ? { dockerSocket: o.dockerSocket } : {}),
      });
  const report = await evaluatePosture(controls, opened.target, allCollectors, {
    ...(framework ? { framework } : {}),
    ...(o.disableControl?.length ? { disabled: o.disableControl } : {}),
  });
  report.warnings.unshift(...opened.warnings);
  return { opened, report };
}
