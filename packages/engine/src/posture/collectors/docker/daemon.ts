import { FileView } from "../../file-view.js";
import type { PostureTarget } from "../../target.js";
import type { Collector, Subject } from "../collector.js";
import {
  DAEMON_JSON,
  type DockerdConfig,
  ENV_FILES,
  findUnit,
  readDockerdConfig,
  ulimitNames,
} from "./daemon-config.js";
import { type EngineInfo, engineInfo, engineSeccompProfile } from "./engine-info.js";
import { type FileFacts, filesBelow, OwnerNames } from "./host-files.js";
import { bool, type Json, obj, str, strs } from "./json.js";

/** dockerd's defaults for what the controls read, when neither daemon.json nor a flag sets it. */
const DEFAULTS = {
  icc: true,
  "log-level": "info",
  iptables: true,
  tls: false,
  tlsverify: false,
  "log-driver": "json-file",
  "no-new-privileges": false,
  "live-restore": false,
  "userland-proxy": true,
  experimental: false,
  debug: false,
} as const;

/** Registries Docker always treats as insecure (loopback): not a configuration choice. */
const LOOPBACK_CIDRS = new Set(["127.0.0.0/8", "::1/128"]);

/**
 * The container engine's daemon and its host configuration (CIS Docker sections 2 and 3, and swarm mode): one
 * subject, "docker daemon", when an engine answers or Docker's configuration files exist in the tree.
 * Settings are what the running Docker daemon reports (/info) where it reports them, else daemon.json and
 * the dockerd flags of its unit, else dockerd's defaults. `docker` tells whether a Docker daemon is there at
 * all: a Podman host has an engine API but no dockerd settings, so those controls do not apply to it.
 */
export const dockerDaemonCollector: Collector = {
  name: "dockerDaemon",
  platform: "docker",
  description:
    "The Docker daemon's effective settings (daemon.json, dockerd flags, /info), engine-wide facts (swarm, seccomp, rootless, insecure registries) and the ownership and mode of its configuration files and socket.",
  async collect(target, warn) {
    let engine: EngineInfo | undefined;
    let engineError: Error | undefined;
    if (target.docker)
      try {
        engine = await engineInfo(target.docker);
      } catch (e) {
        engineError = e as Error;
        warn(`the engine did not answer: ${engineError.message}`);
      }
    const files = target.files;
    const config = files ? await readDockerdConfig(files, warn) : undefined;
    if (!engine && !config?.present) {
      if (engineError) throw engineError;
      return undefined;
    }
    return [await daemonSubject(target, engine, config)];
  },
};

async function daemonSubject(
  target: PostureTarget,
  engine: EngineInfo | undefined,
  config: DockerdConfig | undefined,
): Promise<Subject> {
  const set: Json = config?.settings ?? {};
  const has = (k: string) => set[k] !== undefined && set[k] !== null;
  const setting = <T>(k: keyof typeof DEFAULTS): T => (has(k) ? set[k] : DEFAULTS[k]) as T;
  const info = engine?.info ?? {};
  const dockerEngine = engine?.kind === "docker";
  // /info speaks for the engine that answered: for Docker it is the truth; for Podman only engine-wide facts.
  const fromInfo = <T>(infoKey: string, configured: T): T =>
    dockerEngine && infoKey in info ? (info[infoKey] as T) : configured;

  const debug = fromInfo("Debug", bool(setting("debug")));
  const hosts = strs(set.hosts);
  const insecure = new Set(strs(set["insecure-registries"]));
  const registry = obj(info.RegistryConfig);
  for (const cidr of strs(registry.InsecureRegistryCIDRs)) if (!LOOPBACK_CIDRS.has(cidr)) insecure.add(cidr);
  for (const [name, c] of Object.entries(obj(registry.IndexConfigs)))
    if (obj(c).Secure === false && name !== "docker.io") insecure.add(name);
  const authz = new Set([
    ...strs(set["authorization-plugins"]),
    ...(dockerEngine ? strs(obj(info.Plugins).Authorization) : []),
  ]);
  const usernsRemap =
    str(set["userns-remap"]) || (dockerEngine && engine?.securityOptions.has("userns") ? "(enabled)" : "");
  const seccompConfigured = str(set["seccomp-profile"]);
  const seccompProfile =
    engine && dockerEngine
      ? engineSeccompProfile(engine)
      : seccompConfigured || (engine ? engineSeccompProfile(engine) : "default");
  const tls = bool(setting("tls")) || bool(setting("tlsverify"));

  // The tree's files; the socket the API talks to is a path on this machine even when no tree is scanned.
  const view = target.files;
  const socketView = view ?? new FileView("/");
  const names = await OwnerNames.of(socketView);
  const fileFacts = async (path: string, v = view): Promise<FileFacts> =>
    names.facts(path, path && v ? await v.stat(path) : undefined);
  const certs = view ? await filesBelow(view, "/etc/docker/certs.d", 2) : [];

  const facts = {
    engine: engine?.kind ?? "none",
    version: engine?.version ?? "",
    docker: dockerEngine || (config?.present ?? false),
    daemonJson: config?.daemonJson ?? { path: DAEMON_JSON, present: false, valid: false },
    execStart: config?.unit.execStart ?? "",
    icc: bool(setting("icc")),
    logLevel: debug ? "debug" : str(setting("log-level")).toLowerCase(),
    iptables: bool(setting("iptables")),
    insecureRegistries: [...insecure].sort(),
    storageDriver: dockerEngine
      ? str(info.Driver) || str(set["storage-driver"])
      : str(set["storage-driver"]) || str(info.Driver),
    hosts,
    tcpHosts: hosts.filter((h) => /^tcp:\/\//i.test(h) || /^[^:/]*:\d+$/.test(h)),
    tls,
    tlsVerify: bool(setting("tlsverify")),
    tlsCaCert: str(set.tlscacert),
    tlsCert: str(set.tlscert),
    tlsKey: str(set.tlskey),
    defaultUlimits: ulimitNames(set["default-ulimits"]),
    usernsRemap,
    cgroupParent: str(set["cgroup-parent"]),
    authorizationPlugins: [...authz].sort(),
    logDriver: fromInfo("LoggingDriver", "") || str(setting("log-driver")),
    noNewPrivileges: bool(setting("no-new-privileges")),
    liveRestore: fromInfo("LiveRestoreEnabled", bool(setting("live-restore"))),
    userlandProxy: bool(setting("userland-proxy")),
    seccompProfile,
    experimental: fromInfo("ExperimentalBuild", bool(setting("experimental"))),
    rootless: engine?.securityOptions.has("rootless") ?? false,
    swarm: str(obj(info.Swarm).LocalNodeState),
    securityOptions: strs(info.SecurityOptions),
    files: {
      dockerService: await fileFacts(config?.unit.path ?? ""),
      dockerSocketUnit: await fileFacts(view ? await findUnit(view, "docker.socket") : ""),
      etcDocker: await fileFacts("/etc/docker"),
      daemonJson: await fileFacts(DAEMON_JSON),
      defaultDocker: await fileFacts(ENV_FILES[0] as string),
      sysconfigDocker: await fileFacts(ENV_FILES[1] as string),
      engineSocket: await fileFacts(target.docker?.socketPath ?? "/var/run/docker.sock", socketView),
      containerdSocket: await fileFacts("/run/containerd/containerd.sock"),
      tlsCaCert: await fileFacts(str(set.tlscacert)),
      tlsCert: await fileFacts(str(set.tlscert)),
      tlsKey: await fileFacts(str(set.tlskey)),
    },
    registryCerts: certs.map((m) => names.facts(m.path, m)),
  };
  return { id: "docker daemon", facts, ...(config?.daemonJson.present ? { location: { path: DAEMON_JSON } } : {}) };
}
