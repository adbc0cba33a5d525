import type { KubeObject } from "../../target.js";
import { type Obj, obj } from "./objects.js";

/** The kinds that run pods, and where each keeps its pod template. */
const TEMPLATE_PATH: Record<string, string[]> = {
  Pod: [],
  Deployment: ["spec", "template"],
  StatefulSet: ["spec", "template"],
  DaemonSet: ["spec", "template"],
  ReplicaSet: ["spec", "template"],
  ReplicationController: ["spec", "template"],
  Job: ["spec", "template"],
  CronJob: ["spec", "jobTemplate", "spec", "template"],
};

export const WORKLOAD_KINDS: readonly string[] = Object.keys(TEMPLATE_PATH);

/** A workload's pod template: its metadata (labels, annotations) and its pod spec. */
export interface PodTemplate {
  object: KubeObject;
  metadata: Obj;
  spec: Obj;
}

/**
 * The pod template of a workload object; undefined for other kinds and for objects a controller made (a
 * cluster's Pods of a ReplicaSet, ReplicaSets of a Deployment, Jobs of a CronJob): their controller is the
 * subject, so each pod template is checked once.
 */
export function podTemplateOf(o: KubeObject): PodTemplate | undefined {
  const path = o.kind ? TEMPLATE_PATH[o.kind] : undefined;
  if (!path) return undefined;
  const owners = o.metadata?.ownerReferences;
  if (Array.isArray(owners) && owners.some((r) => obj(r).controller === true)) return undefined;
  let t: Obj = o as Obj;
  for (const k of path) t = obj(t[k]);
  return { object: o, metadata: obj(t.metadata), spec: obj(t.spec) };
}
