import { posix } from "node:path";
import type { Collector, Subject } from "../collector.js";
import { readDockerdConfig } from "./daemon-config.js";
import { type EngineInfo, engineInfo } from "./engine-info.js";
import { arr, bool, type Json, num, obj, str, strs } from "./json.js";

/**
 * The capabilities an engine grants a container by default. Podman's inspect lists --cap-drop=ALL as the
 * defaults it dropped (the 14 below up to Podman 4.3, the first 11 since containers.conf removed AUDIT_WRITE,
 * MKNOD and NET_RAW); Docker's keeps "ALL".
 */
export const DEFAULT_CAPABILITIES = [
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
  "AUDIT_WRITE",
  "MKNOD",
  "NET_RAW",
];
const PODMAN_DEFAULT_CAPABILITIES = DEFAULT_CAPABILITIES.slice(0, 11);

/** A host with thousands of containers is inspected in part, with a warning, so a scan stays bounded. */
const MAX_CONTAINERS = 2000;
const CONCURRENCY = 4;

/** What the engine tells about itself that changes how a container's own settings read. */
export interface ContainerContext {
  engine: EngineInfo["kind"];
  /** AppArmor / SELinux are in force on the engine's host (its /info security options). */
  hostApparmor: boolean;
  hostSelinux: boolean;
  /** dockerd's daemon-wide no-new-privileges (daemon.json), which containers' own options do not show. */
  daemonNoNewPrivileges: boolean;
}

/**
 * Each running container of the engine (CIS Docker section 5, and 4.1 for its user): GET /containers/json,
 * then each container's inspect, normalised so checks are plain comparisons. Environment variables are
 * listed by name only: their values are often secrets and never enter a report.
 */
export const containerCollector: Collector = {
  name: "container",
  platform: "docker",
  description:
    "Each running container's runtime settings from the engine's inspect: privileges, capabilities, host namespaces, mounts, ports, resource limits, security options, restart policy, health check, user.",
  async collect(target, warn) {
    const api = target.docker;
    if (!api) return undefined;
    const engine = await engineInfo(api);
    const daemonNnp =
      engine.kind === "docker" && target.files
        ? (await readDockerdConfig(target.files, () => {})).settings["no-new-privileges"] === true
        : false;
    const ctx: ContainerContext = {
      engine: engine.kind,
      hostApparmor: engine.securityOptions.has("apparmor"),
      hostSelinux: engine.securityOptions.has("selinux"),
      daemonNoNewPrivileges: daemonNnp,
    };
    const list = arr(await api.get("/containers/json"))
      .map((c) => str(obj(c).Id))
      .filter((id) => /^[0-9a-f]{12,64}$/i.test(id));
    if (list.length > MAX_CONTAINERS)
      warn(`${list.length} running containers: the first ${MAX_CONTAINERS} were inspected`);
    const ids = list.slice(0, MAX_CONTAINERS);
    const subjects: Array<Subject | undefined> = new Array(ids.length);
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const i = next++;
        const id = ids[i] as string;
        try {
          const inspect = obj(await api.get(`/containers/${id}/json`));
          const facts = containerFacts(inspect, ctx);
          subjects[i] = { id: `container ${facts.name || facts.shortId} (${facts.shortId})`, facts };
        } catch (e) {
          // Gone between the list and the inspect: not a failure of the scan (any DockerApi giving a status).
          if ((e as { status?: unknown }).status === 404) warn(`container ${id.slice(0, 12)} is gone`);
          else throw e;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, ids.length) }, worker));
    return subjects.filter((s): s is Subject => s !== undefined);
  },
};

/** "CAP_SYS_ADMIN", "sys_admin" → "SYS_ADMIN". */
const capability = (c: string) => c.toUpperCase().replace(/^CAP_/, "");

/** A bind source as the host names it: "/etc/" → "/etc". */
const hostPath = (p: string) => (p ? posix.normalize(p).replace(/(.)\/+$/, "$1") : "");

/** The facts of one container's inspect (Docker's ContainerInspect; Podman's compat answer has the same shape). */
export function containerFacts(inspect: Json, ctx: ContainerContext): Json & { name: string; shortId: string } {
  const id = str(inspect.Id);
  const host = obj(inspect.HostConfig);
  const config = obj(inspect.Config);
  const state = obj(inspect.State);
  const network = obj(inspect.NetworkSettings);

  const capAdd = strs(host.CapAdd).map(capability);
  const capDrop = strs(host.CapDrop).map(capability);
  const defaults = ctx.engine === "docker" ? DEFAULT_CAPABILITIES : PODMAN_DEFAULT_CAPABILITIES;
  const dropsAll = capDrop.includes("ALL") || defaults.every((c) => capDrop.includes(c));

  // "seccomp=unconfined" (also the older "seccomp:unconfined"): option → value.
  const securityOpt = strs(host.SecurityOpt);
  const opts = new Map(
    securityOpt.map((o) => {
      const m = /^([^=:]+)[=:]?(.*)$/.exec(o) as RegExpExecArray;
      return [(m[1] as string).toLowerCase(), m[2] as string];
    }),
  );
  const nnpOpt = opts.get("no-new-privileges");
  const labels = securityOpt.filter((o) => /^label[=:]/.test(o)).map((o) => o.slice(6));

  const user = str(config.User).trim();
  const uid = user.split(":")[0] ?? "";

  const ports = portFacts(obj(host.PortBindings), obj(network.Ports));
  const health = obj(config.Healthcheck);
  const test = strs(health.Test);
  const restart = obj(host.RestartPolicy);

  return {
    id,
    shortId: id.slice(0, 12),
    name: str(inspect.Name).replace(/^\//, ""),
    image: str(config.Image) || str(inspect.Image),
    state: str(state.Status),
    engine: ctx.engine,
    privileged: bool(host.Privileged),
    pidMode: str(host.PidMode).toLowerCase(),
    ipcMode: str(host.IpcMode).toLowerCase(),
    networkMode: str(host.NetworkMode).toLowerCase(),
    utsMode: str(host.UTSMode).toLowerCase(),
    usernsMode: str(host.UsernsMode).toLowerCase(),
    cgroupnsMode: str(host.CgroupnsMode).toLowerCase(),
    networks: Object.keys(obj(network.Networks)).sort(),
    capAdd,
    capDrop,
    dropsAllCapabilities: dropsAll,
    mounts: arr(inspect.Mounts).map((m) => {
      const o = obj(m);
      return {
        type: str(o.Type).toLowerCase(),
        source: hostPath(str(o.Source)),
        destination: str(o.Destination),
        rw: bool(o.RW),
        propagation: str(o.Propagation).toLowerCase(),
      };
    }),
    readonlyRootfs: bool(host.ReadonlyRootfs),
    user,
    runsAsRoot: uid === "" || uid === "root" || uid === "0",
    memory: num(host.Memory),
    cpuShares: num(host.CpuShares),
    nanoCpus: num(host.NanoCpus),
    cpuQuota: num(host.CpuQuota),
    // 0 and -1 both mean no limit.
    pidsLimit: Math.max(num(host.PidsLimit), 0),
    securityOpt,
    noNewPrivileges: (nnpOpt !== undefined && nnpOpt !== "false") || ctx.daemonNoNewPrivileges,
    seccompProfile: opts.get("seccomp") || "default",
    apparmorProfile: opts.get("apparmor") || str(inspect.AppArmorProfile),
    selinuxDisabled: labels.includes("disable"),
    selinuxLabel: str(inspect.ProcessLabel),
    hostApparmor: ctx.hostApparmor,
    hostSelinux: ctx.hostSelinux,
    restartPolicy: { name: str(restart.Name) || "no", maxRetries: num(restart.MaximumRetryCount) },
    ports,
    healthcheck: test.length > 0 && test[0] !== "NONE",
    healthStatus: str(obj(state.Health).Status),
    devices: arr(host.Devices).map((d) => {
      const o = obj(d);
      return { host: str(o.PathOnHost), container: str(o.PathInContainer), permissions: str(o.CgroupPermissions) };
    }),
    ulimits: arr(host.Ulimits).map((u) => {
      const o = obj(u);
      return {
        name: str(o.Name)
          .toLowerCase()
          .replace(/^rlimit_/, ""),
        soft: num(o.Soft),
        hard: num(o.Hard),
      };
    }),
    cgroupParent: str(host.CgroupParent),
    envNames: strs(config.Env).map((e) => e.split("=")[0] as string),
  };
}

/** Published ports from the configuration and the running state (the engine may fill in either). */
function portFacts(
  bindings: Json,
  running: Json,
): Array<{ port: string; hostIp: string; hostPort: number; wildcard: boolean }> {
  const seen = new Map<string, { port: string; hostIp: string; hostPort: number; wildcard: boolean }>();
  for (const source of [bindings, running])
    for (const [port, list] of Object.entries(source))
      for (const b of arr(list)) {
        const o = obj(b);
        const hostIp = str(o.HostIp);
        const hostPort = Number.parseInt(str(o.HostPort), 10) || 0;
        const key = `${port} ${hostIp} ${hostPort}`;
        if (!seen.has(key))
          seen.set(key, {
            port,
            hostIp,
            hostPort,
            wildcard: hostIp === "" || hostIp === "0.0.0.0" || hostIp === "::" || hostIp === "[::]",
          });
      }
  return [...seen.values()];
}
