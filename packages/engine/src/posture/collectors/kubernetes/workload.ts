import type { KubeObject, PostureTarget } from "../../target.js";
import type { Collector, Subject } from "../collector.js";
import { arr, bool, locationOf, nameOf, namespaceOf, num, type Obj, obj, str, strs, subjectId } from "./objects.js";
import { type PodTemplate, podTemplateOf } from "./pod-template.js";
import { isSecretName } from "./secret-names.js";

/** Capabilities as the Pod Security Standards compare them: upper-case, without the CAP_ prefix. */
function capabilities(v: unknown): string[] {
  return strs(v).map((c) => c.toUpperCase().replace(/^CAP_/, ""));
}

function imageParts(image: string): { tag: string; digest: string } {
  const at = image.indexOf("@");
  const digest = at >= 0 ? image.slice(at + 1) : "";
  const name = at >= 0 ? image.slice(0, at) : image;
  const slash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  return { tag: colon > slash ? name.slice(colon + 1) : "", digest };
}

/** The seccomp profile type in force: the container's, else the pod's, else the legacy annotations'. */
function seccompOf(sc: Obj, podSc: Obj, annotations: Obj, container: string): string {
  const type = str(obj(sc.seccompProfile).type) || str(obj(podSc.seccompProfile).type);
  if (type) return type;
  const legacy =
    str(annotations[`container.seccomp.security.alpha.kubernetes.io/${container}`]) ||
    str(annotations["seccomp.security.alpha.kubernetes.io/pod"]);
  if (legacy === "runtime/default" || legacy === "docker/default") return "RuntimeDefault";
  if (legacy === "unconfined") return "Unconfined";
  if (legacy.startsWith("localhost/")) return "Localhost";
  return "";
}

/** The AppArmor profile in force: "runtime/default", "localhost/<name>", "unconfined" or "" (the runtime's default). */
function appArmorOf(sc: Obj, podSc: Obj, annotations: Obj, container: string): string {
  const p = obj(sc.appArmorProfile ?? podSc.appArmorProfile);
  switch (str(p.type)) {
    case "RuntimeDefault":
      return "runtime/default";
    case "Unconfined":
      return "unconfined";
    case "Localhost":
      return `localhost/${str(p.localhostProfile)}`;
  }
  return str(annotations[`container.apparmor.security.beta.kubernetes.io/${container}`]);
}

function containerFacts(c: Obj, kind: string, podSc: Obj, annotations: Obj): Record<string, unknown> {
  const name = str(c.name);
  const image = str(c.image);
  const sc = obj(c.securityContext);
  const caps = obj(sc.capabilities);
  const add = capabilities(caps.add);
  const privileged = bool(sc.privileged) ?? false;
  // The kubelet lets a process gain privileges unless told not to; privileged or CAP_SYS_ADMIN always can.
  const ape = privileged || add.includes("SYS_ADMIN") || (bool(sc.allowPrivilegeEscalation) ?? true);
  const runAsUser = num(sc.runAsUser) ?? num(podSc.runAsUser);
  const runAsNonRoot = bool(sc.runAsNonRoot) ?? bool(podSc.runAsNonRoot) ?? false;
  const resources = obj(c.resources);
  const requests = obj(resources.requests);
  const limits = obj(resources.limits);
  const env = arr(c.env);
  return {
    name,
    kind,
    image,
    ...(({ tag, digest }) => ({ imagetag: tag, imagedigest: digest }))(imageParts(image)),
    privileged,
    allowprivilegeescalation: ape,
    runasnonroot: runAsNonRoot,
    // -1: not set (the image's USER decides, which may be root).
    runasuser: runAsUser ?? -1,
    // Runs as a non-root user for certain: runAsNonRoot is enforced by the kubelet, or a non-zero UID is set.
    nonroot: (runAsNonRoot && runAsUser !== 0) || (runAsUser !== undefined && runAsUser > 0),
    readonlyrootfilesystem: bool(sc.readOnlyRootFilesystem) ?? false,
    capadd: add,
    capdrop: capabilities(caps.drop),
    seccomp: seccompOf(sc, podSc, annotations, name),
    apparmor: appArmorOf(sc, podSc, annotations, name),
    procmount: str(sc.procMount) || "Default",
    windowshostprocess:
      bool(obj(sc.windowsOptions).hostProcess) ?? bool(obj(podSc.windowsOptions).hostProcess) ?? false,
    resources: {
      requestscpu: requests.cpu !== undefined,
      requestsmemory: requests.memory !== undefined,
      limitscpu: limits.cpu !== undefined,
      limitsmemory: limits.memory !== undefined,
    },
    hostports: arr(c.ports)
      .map((p) => num(p.hostPort) ?? 0)
      .filter((p) => p > 0),
    livenessprobe: c.livenessProbe !== undefined,
    readinessprobe: c.readinessProbe !== undefined,
    // Only the names: a fact must never carry the secret itself.
    secretenv: env
      .filter((e) => isSecretName(str(e.name)) && typeof e.value === "string" && e.value !== "")
      .map((e) => str(e.name)),
    secretrefenv: [
      ...env.filter((e) => obj(e.valueFrom).secretKeyRef !== undefined).map((e) => str(e.name)),
      ...arr(c.envFrom)
        .filter((e) => e.secretRef !== undefined)
        .map((e) => `envFrom secret ${str(obj(e.secretRef).name)}`),
    ],
  };
}

/** A pod template's facts: host namespaces, service account, volumes and every container of every kind. */
export function workloadFacts(t: PodTemplate, serviceAccounts: Map<string, KubeObject>): Record<string, unknown> {
  const { object: o, spec, metadata } = t;
  const podSc = obj(spec.securityContext);
  const annotations = obj(metadata.annotations);
  const sa = str(spec.serviceAccountName) || str(spec.serviceAccount) || "default";
  const saObject = serviceAccounts.get(`${namespaceOf(o)}/${sa}`);
  // The pod's setting wins; else the service account's; else the API server mounts the token.
  const automount = bool(spec.automountServiceAccountToken) ?? bool(saObject?.automountServiceAccountToken) ?? true;
  const volumes = arr(spec.volumes);
  return {
    kind: str(o.kind),
    name: nameOf(o),
    namespace: str(o.metadata?.namespace),
    hostnetwork: bool(spec.hostNetwork) ?? false,
    hostpid: bool(spec.hostPID) ?? false,
    hostipc: bool(spec.hostIPC) ?? false,
    serviceaccountname: sa,
    automountserviceaccounttoken: automount,
    hostpaths: volumes.filter((v) => v.hostPath !== undefined).map((v) => str(obj(v.hostPath).path)),
    sysctls: arr(podSc.sysctls).map((s) => str(s.name)),
    containers: [
      ...arr(spec.initContainers).map((c) => containerFacts(c, "init", podSc, annotations)),
      ...arr(spec.containers).map((c) => containerFacts(c, "container", podSc, annotations)),
      ...arr(spec.ephemeralContainers).map((c) => containerFacts(c, "ephemeral", podSc, annotations)),
    ],
  };
}

export function serviceAccountsOf(objects: readonly KubeObject[]): Map<string, KubeObject> {
  return new Map(objects.filter((o) => o.kind === "ServiceAccount").map((o) => [`${namespaceOf(o)}/${nameOf(o)}`, o]));
}

/** One subject per pod template: Pods and every controller that makes pods (CronJobs through their job template). */
export const workloadCollector: Collector = {
  name: "workload",
  platform: "kubernetes",
  description:
    "Each pod template of a manifest or cluster (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, ReplicationController)",
  async collect(target: PostureTarget): Promise<Subject[] | undefined> {
    if (!target.kubernetes) return undefined;
    const sas = serviceAccountsOf(target.kubernetes);
    const out: Subject[] = [];
    for (const o of target.kubernetes) {
      const t = podTemplateOf(o);
      if (!t) continue;
      const location = locationOf(o);
      out.push({ id: subjectId(o), facts: workloadFacts(t, sas), ...(location ? { location } : {}) });
    }
    return out;
  },
};
