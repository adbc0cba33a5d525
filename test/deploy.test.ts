// The sensor's deployment files (deploy/) checked against the sensor's code and against least privilege: the
// ClusterRole is exactly what the Kubernetes discoverer needs, the DaemonSet is not privileged and runs the
// sensor as a non-root user with the documented capabilities only, every flag it and the systemd unit pass is one
// `rampart sensor` defines, and the Dockerfile copies only what exists or what the build makes. No cluster, no
// systemd and no Docker daemon here: these are static checks of the files.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import picomatch from "picomatch";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { registerSensor } from "../packages/cli/src/commands/sensor.js";
import { KUBERNETES_RBAC_RULES } from "../packages/sensor/src/discovery/kubernetes.js";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const read = (path: string) => readFileSync(join(REPO, path), "utf8");

// --- Kubernetes objects (only the fields checked) ---------------------------------------------------------

interface Capabilities {
  add?: string[];
  drop?: string[];
}
interface SecurityContext {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  runAsUser?: number;
  runAsNonRoot?: boolean;
  capabilities?: Capabilities;
  seccompProfile?: { type?: string };
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name?: string; key?: string };
    configMapKeyRef?: { name?: string; key?: string };
    fieldRef?: { fieldPath?: string };
  };
}
interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
}
interface Container {
  name: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  securityContext?: SecurityContext;
  volumeMounts?: VolumeMount[];
  resources?: { limits?: { memory?: string } };
}
interface Volume {
  name: string;
  hostPath?: { path: string };
}
interface PodSpec {
  serviceAccountName?: string;
  hostPID?: boolean;
  hostNetwork?: boolean;
  hostIPC?: boolean;
  securityContext?: SecurityContext;
  initContainers?: Container[];
  containers: Container[];
  volumes?: Volume[];
}
interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}
interface KubeObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: Rule[];
  roleRef?: { kind: string; name: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
  spec?: { template: { spec: PodSpec } };
}

function manifest(): KubeObject[] {
  const docs = parseAllDocuments(read("deploy/kubernetes/sensor.yaml"));
  if (!Array.isArray(docs)) throw new Error("deploy/kubernetes/sensor.yaml: no YAML documents");
  for (const d of docs) expect(d.errors, "YAML errors in deploy/kubernetes/sensor.yaml").toEqual([]);
  return docs.map((d) => d.toJS() as KubeObject).filter((o) => o !== null);
}

const objects = manifest();
const only = (kind: string): KubeObject => {
  const found = objects.filter((o) => o.kind === kind);
  expect(
    found.map((o) => o.metadata.name),
    `one ${kind} in the manifest`,
  ).toHaveLength(1);
  return found[0] as KubeObject;
};
const daemonSet = only("DaemonSet");
const pod = daemonSet.spec?.template.spec as PodSpec;
const sensorContainer = pod.containers.find((c) => c.name === "sensor") as Container;

// --- The sensor's command line -----------------------------------------------------------------------------

/** The `rampart sensor` command as the CLI defines it (a fresh one per parse: commander keeps option values). */
function sensorCommand(): Command {
  const program = new Command("rampart").exitOverride();
  registerSensor(program);
  const sensor = program.commands[0] as Command;
  expect(sensor.name()).toBe("sensor");
  return sensor.exitOverride();
}

/** Parses the sensor's arguments as the CLI would: an unknown flag, a missing value or a stray word fails. */
function parseSensorArgs(argv: string[], where: string): Record<string, unknown> {
  const sensor = sensorCommand();
  const known = new Set(sensor.options.map((o) => o.long));
  for (const flag of argv.filter((a) => a.startsWith("--")))
    expect(known.has(flag), `${where}: ${flag} is not an option of rampart sensor`).toBe(true);
  const { operands, unknown } = sensor.parseOptions(argv);
  expect(unknown, `${where}: unknown arguments`).toEqual([]);
  expect(operands, `${where}: arguments that are not options`).toEqual([]);
  return sensor.opts();
}

/** The DaemonSet container's argv after `… rampart.mjs sensor`, and what runs before it. */
function daemonSetSensorArgv(c: Container): { launcher: string[]; argv: string[] } {
  const all = [...(c.command ?? []), ...(c.args ?? [])];
  const at = all.findIndex((a, i) => a === "sensor" && all[i - 1]?.endsWith("/rampart.mjs"));
  expect(at, `container ${c.name} runs "node …/rampart.mjs sensor"`).toBeGreaterThan(0);
  return { launcher: all.slice(0, at + 1), argv: all.slice(at + 1) };
}

const flagValue = (argv: string[], flag: string): string | undefined => {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
};

/** "2Gi", "1536Mi", "2G", "1536M" → MiB. */
function mebibytes(quantity: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G)?$/.exec(quantity.trim());
  if (!m) throw new Error(`not a memory quantity: ${quantity}`);
  const unit = {
    Ki: 1 / 1024,
    Mi: 1,
    Gi: 1024,
    K: 1000 / 1024 ** 2,
    M: 1000 ** 2 / 1024 ** 2,
    G: 1000 ** 3 / 1024 ** 2,
  };
  return Number(m[1]) * (m[2] ? unit[m[2] as keyof typeof unit] : 1 / 1024 ** 2);
}

/** A scan worker's heap times the scans at once, plus room for the sensor and the worker's native memory. */
const SCAN_HEADROOM_MIB = 512;
function neededMemoryMib(opts: Record<string, unknown>): number {
  return Number(opts.scanMemoryMb) * Number(opts.scanConcurrency) + SCAN_HEADROOM_MIB;
}

// --- deploy/README.md's "Privilege → why" table -----------------------------------------------------------

function documentedPrivileges(): string {
  const text = read("deploy/README.md");
  const start = text.indexOf("## Privilege → why");
  expect(start, 'deploy/README.md has a "Privilege → why" section').toBeGreaterThanOrEqual(0);
  // The table only: up to the next heading of any level.
  const end = text.indexOf("\n#", start + 1);
  return text
    .slice(start, end < 0 ? undefined : end)
    .split("\n")
    .filter((l) => l.startsWith("| "))
    .map((l) => l.split("|")[1] ?? "")
    .join("\n");
}
const privilegeTable = documentedPrivileges();
const documented = (capability: string) => new RegExp(`\`(CAP_)?${capability}\``).test(privilegeTable);

// The capabilities each container adds, as deploy/README.md explains them. A new one must be justified there
// and here.
const EXPECTED_CAPABILITIES: Record<string, string[]> = {
  sensor: ["SYS_PTRACE", "DAC_READ_SEARCH", "SETUID", "SETGID"],
  "data-dir-owner": ["CHOWN"],
};
/** What the sensor's own process keeps (SETUID/SETGID serve only the drop to a non-root user). */
const SENSOR_PROCESS_CAPABILITIES = ["SYS_PTRACE", "DAC_READ_SEARCH"];

describe("deploy/kubernetes/sensor.yaml", () => {
  it("grants the ClusterRole exactly KUBERNETES_RBAC_RULES, bound to the DaemonSet's service account", () => {
    const role = only("ClusterRole");
    expect(role.rules).toEqual(KUBERNETES_RBAC_RULES);
    expect(objects.filter((o) => o.kind === "Role" || o.kind === "RoleBinding")).toEqual([]);
    // No wildcard in any rule of any role, whatever the field.
    for (const o of objects.filter((x) => x.kind.endsWith("Role")))
      for (const rule of o.rules ?? [])
        for (const [field, values] of Object.entries(rule))
          expect(values, `${o.kind} ${o.metadata.name}: a wildcard in ${field}`).not.toContain("*");

    const binding = only("ClusterRoleBinding");
    expect(binding.roleRef).toMatchObject({ kind: "ClusterRole", name: role.metadata.name });
    const account = only("ServiceAccount");
    expect(binding.subjects).toEqual([
      { kind: "ServiceAccount", name: account.metadata.name, namespace: account.metadata.namespace },
    ]);
    expect(pod.serviceAccountName).toBe(account.metadata.name);
    expect(daemonSet.metadata.namespace).toBe(account.metadata.namespace);
  });

  it("runs no privileged container, shares no host namespace, drops every capability but documented ones", () => {
    expect(pod.hostPID ?? false, "hostPID: the host's /proc is mounted instead").toBe(false);
    expect(pod.hostNetwork ?? false, "hostNetwork: /proc/PID/net gives every namespace's view").toBe(false);
    expect(pod.hostIPC ?? false).toBe(false);
    const containers = [...(pod.initContainers ?? []), ...pod.containers];
    expect(containers.map((c) => c.name).sort()).toEqual(Object.keys(EXPECTED_CAPABILITIES).sort());
    for (const c of containers) {
      const sc = c.securityContext ?? {};
      expect(sc.privileged, `${c.name}: privileged`).toBe(false);
      expect(sc.allowPrivilegeEscalation, `${c.name}: allowPrivilegeEscalation`).toBe(false);
      expect(sc.readOnlyRootFilesystem, `${c.name}: readOnlyRootFilesystem`).toBe(true);
      expect(sc.capabilities?.drop, `${c.name}: capabilities.drop`).toEqual(["ALL"]);
      const added = sc.capabilities?.add ?? [];
      expect([...added].sort(), `${c.name}: capabilities.add`).toEqual(
        [...(EXPECTED_CAPABILITIES[c.name] ?? [])].sort(),
      );
      for (const cap of added) expect(documented(cap), `${cap} in deploy/README.md's privilege table`).toBe(true);
      const seccomp = sc.seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type;
      expect(seccomp, `${c.name}: seccomp profile`).toBe("RuntimeDefault");
    }
  });

  it("starts the sensor as root only to drop to a non-root user that keeps the two capabilities it reads with", () => {
    const { launcher } = daemonSetSensorArgv(sensorContainer);
    // setpriv --reuid=N --regid=N … -- node …/rampart.mjs sensor
    expect(launcher[0]).toBe("setpriv");
    const option = (name: string) => launcher.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
    const uid = Number(option("reuid"));
    expect(Number.isInteger(uid) && uid > 0, "setpriv --reuid: a non-root uid").toBe(true);
    expect(Number(option("regid"))).toBeGreaterThan(0);
    expect(launcher, "no group of root's kept").toContain("--clear-groups");
    const ambient = (option("ambient-caps") ?? "")
      .split(",")
      .filter((c) => c.startsWith("+"))
      .map((c) => c.slice(1).toUpperCase());
    expect(ambient.sort()).toEqual([...SENSOR_PROCESS_CAPABILITIES].sort());
    expect(launcher.slice(launcher.indexOf("--") + 1, launcher.indexOf("--") + 2)).toEqual(["node"]);
  });

  it("mounts the host's root and /proc read-only where --host-root and --proc say, and the data dir at --data", () => {
    const { argv } = daemonSetSensorArgv(sensorContainer);
    const mountOf = (hostPath: string) => {
      const volume = (pod.volumes ?? []).find((v) => v.hostPath?.path === hostPath);
      expect(volume, `a hostPath volume of ${hostPath}`).toBeDefined();
      const mount = (sensorContainer.volumeMounts ?? []).find((m) => m.name === volume?.name);
      expect(mount, `the sensor mounts ${hostPath}`).toBeDefined();
      return mount as VolumeMount;
    };
    const root = mountOf("/");
    const proc = mountOf("/proc");
    expect(root.readOnly, "the host's root is read-only").toBe(true);
    expect(proc.readOnly, "the host's /proc is read-only").toBe(true);
    expect(flagValue(argv, "--host-root")).toBe(root.mountPath);
    expect(flagValue(argv, "--proc")).toBe(proc.mountPath);
    // Every other host path is read-only too, but the sensor's own directory, which it names with --data.
    const data = flagValue(argv, "--data");
    for (const v of (pod.volumes ?? []).filter((x) => x.hostPath)) {
      const mount = (sensorContainer.volumeMounts ?? []).find((m) => m.name === v.name);
      if (!mount) continue;
      if (mount.mountPath === data) expect(v.hostPath?.path).toBe(data);
      else expect(mount.readOnly, `hostPath ${v.hostPath?.path} is mounted read-only`).toBe(true);
    }
  });

  it("takes the API key from a Secret and the node's name from the downward API", () => {
    const env = sensorContainer.env ?? [];
    const key = env.find((e) => e.name === "RAMPART_API_KEY");
    expect(key?.value, "RAMPART_API_KEY is never a literal").toBeUndefined();
    expect(key?.valueFrom?.secretKeyRef?.name).toBeTruthy();
    expect(key?.valueFrom?.secretKeyRef?.key).toBeTruthy();
    const { argv } = daemonSetSensorArgv(sensorContainer);
    expect(argv, "no key on the command line").not.toContain("--api-key");
    expect(
      objects.filter((o) => o.kind === "Secret"),
      "no Secret (a key) in the file",
    ).toEqual([]);
    const node = env.find((e) => e.name === "NODE_NAME");
    expect(node?.valueFrom?.fieldRef?.fieldPath).toBe("spec.nodeName");
    // $(VAR) in the arguments must name a variable the container defines, or Kubernetes passes it as is.
    for (const ref of argv.join(" ").matchAll(/\$\(([A-Z_][A-Z0-9_]*)\)/g))
      expect(
        env.map((e) => e.name),
        `$(${ref[1]}) is defined`,
      ).toContain(ref[1]);
  });

  it("passes the sensor only options it defines, with a memory limit above its scan worker's heap", () => {
    const { argv } = daemonSetSensorArgv(sensorContainer);
    const opts = parseSensorArgs(argv, "DaemonSet");
    const limit = sensorContainer.resources?.limits?.memory;
    expect(limit, "a memory limit").toBeDefined();
    expect(mebibytes(limit as string)).toBeGreaterThanOrEqual(neededMemoryMib(opts));
  });
});

// --- systemd ------------------------------------------------------------------------------------------------

/** A unit file's settings: every value of each key, in order (comments and section headers left out). */
function unitSettings(text: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    settings.set(m[1] as string, [...(settings.get(m[1] as string) ?? []), m[2] as string]);
  }
  return settings;
}

/** KEY=value lines of an environment file. */
function envFile(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) env.set(m[1] as string, m[2] as string);
  }
  return env;
}

describe("deploy/systemd/rampart-sensor.service", () => {
  const unit = unitSettings(read("deploy/systemd/rampart-sensor.service"));
  const one = (key: string) => {
    const values = unit.get(key) ?? [];
    expect(values, `${key}= once`).toHaveLength(1);
    return values[0] as string;
  };
  const words = (key: string) => (unit.get(key) ?? []).flatMap((v) => v.split(/\s+/).filter(Boolean));

  it("runs `rampart sensor` with options it defines, the example's extra flags included", () => {
    const example = envFile(read("deploy/systemd/sensor.env.example"));
    expect(one("EnvironmentFile")).toBe("/etc/rampart/sensor.env");
    const exec = one("ExecStart").split(/\s+/);
    expect(exec.slice(0, 2)).toEqual(["/usr/bin/rampart", "sensor"]);
    // $VAR (unbraced) is split into words by systemd; ${VAR} stays one argument.
    const argv = exec.slice(2).flatMap((w) => {
      const split = /^\$([A-Z_][A-Z0-9_]*)$/.exec(w);
      if (!split) return [w];
      expect(example.has(split[1] as string), `${w} is in sensor.env.example`).toBe(true);
      return (example.get(split[1] as string) ?? "").split(/\s+/).filter(Boolean);
    });
    for (const ref of exec.join(" ").matchAll(/\$\{([A-Z_][A-Z0-9_]*)\}/g))
      expect(example.has(ref[1] as string), `\${${ref[1]}} is in sensor.env.example`).toBe(true);
    expect(argv, "no key on the command line").not.toContain("--api-key");
    expect(example.has("RAMPART_API_KEY")).toBe(true);
    const opts = parseSensorArgs(argv, "systemd ExecStart");
    expect(mebibytes(one("MemoryMax"))).toBeGreaterThanOrEqual(neededMemoryMib(opts));
  });

  it("runs as an unprivileged user with the documented capabilities, no new privileges, no ptrace(2)", () => {
    const user = unit.get("User")?.[0];
    expect(one("DynamicUser") === "yes" || (user !== undefined && user !== "root" && user !== "0")).toBe(true);
    expect(one("NoNewPrivileges")).toBe("yes");
    const bounding = words("CapabilityBoundingSet");
    expect(bounding.sort()).toEqual(SENSOR_PROCESS_CAPABILITIES.map((c) => `CAP_${c}`).sort());
    expect(words("AmbientCapabilities").sort()).toEqual(bounding);
    for (const cap of bounding) expect(documented(cap.replace(/^CAP_/, "")), `${cap} documented`).toBe(true);
    const denied = (unit.get("SystemCallFilter") ?? [])
      .filter((v) => v.startsWith("~"))
      .flatMap((v) => v.slice(1).split(/\s+/));
    for (const call of ["ptrace", "process_vm_writev", "pidfd_getfd", "@privileged"]) expect(denied).toContain(call);
    expect(one("ProtectSystem")).toBe("strict");
    expect(words("RestrictAddressFamilies").sort()).toEqual(["AF_INET", "AF_INET6", "AF_NETLINK", "AF_UNIX"]);
  });
});

// --- The image --------------------------------------------------------------------------------------------

interface Instruction {
  keyword: string;
  /** Flags such as --from=build. */
  flags: string[];
  args: string[];
  raw: string;
}

/** The Dockerfile's instructions: comments dropped, continuation lines joined. */
function dockerfile(text: string): Instruction[] {
  const lines = text.split("\n").filter((l) => !/^\s*#/.test(l));
  const joined = lines.join("\n").replace(/\\\n/g, " ");
  return joined
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [keyword = "", ...rest] = l.split(/\s+/);
      const flags = rest.filter((w) => w.startsWith("--"));
      return { keyword: keyword.toUpperCase(), flags, args: rest.filter((w) => !w.startsWith("--")), raw: l };
    });
}

/** What packages/cli/bundle.mjs writes into packages/cli/dist. */
function bundleOutputs(): Set<string> {
  const names = [...read("packages/cli/bundle.mjs").matchAll(/here\("\.\/dist\/([^"]+)"\)/g)].map(
    (m) => m[1] as string,
  );
  expect(names.length).toBeGreaterThan(0);
  return new Set(names);
}

describe("deploy/sensor/Dockerfile", () => {
  const instructions = dockerfile(read("deploy/sensor/Dockerfile"));
  const ignore = read("deploy/sensor/Dockerfile.dockerignore")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#") && !l.startsWith("!"));
  const ignored = picomatch(ignore, { dot: true });
  const outputs = bundleOutputs();

  /** Stages: each instruction with the name of the stage it is in. */
  const stages: { name: string; instructions: Instruction[] }[] = [];
  for (const i of instructions) {
    if (i.keyword === "FROM") stages.push({ name: i.args[2] ?? String(stages.length), instructions: [] });
    stages.at(-1)?.instructions.push(i);
  }

  it("copies from the build context only files of the repository that the context keeps", () => {
    const copies = instructions.filter((i) => i.keyword === "COPY" && !i.flags.some((f) => f.startsWith("--from=")));
    expect(copies.length).toBeGreaterThan(0);
    for (const c of copies)
      for (const source of c.args.slice(0, -1)) {
        const path = source.replace(/\/$/, "");
        expect(existsSync(join(REPO, path)), `COPY ${source}: not in the repository`).toBe(true);
        const parts = path.split("/");
        for (let n = 1; n <= parts.length; n++)
          expect(ignored(parts.slice(0, n).join("/")), `COPY ${source}: excluded by Dockerfile.dockerignore`).toBe(
            false,
          );
      }
  });

  it("copies from the build stage only what bundle.mjs writes or the stage itself makes", () => {
    const copies = instructions.filter((i) => i.keyword === "COPY" && i.flags.some((f) => f.startsWith("--from=")));
    const copied = new Set<string>();
    for (const c of copies) {
      const from = c.flags.find((f) => f.startsWith("--from="))?.slice(7) as string;
      const stage = stages.find((s) => s.name === from);
      expect(stage, `COPY --from=${from}: no such stage`).toBeDefined();
      const workdir = stage?.instructions.find((i) => i.keyword === "WORKDIR")?.args[0] ?? "/";
      for (const source of c.args.slice(0, -1)) {
        const path = source.replace(/\/$/, "");
        if (path.startsWith(`${workdir}/`)) {
          const inRepo = path.slice(workdir.length + 1);
          const dist = /^packages\/cli\/dist\/(.+)$/.exec(inRepo);
          if (dist) {
            expect(outputs.has(dist[1] as string), `COPY ${source}: not an output of bundle.mjs`).toBe(true);
            copied.add(dist[1] as string);
          } else expect(existsSync(join(REPO, inRepo)), `COPY ${source}: not in the repository`).toBe(true);
        } else {
          // Made by a RUN of that stage (e.g. the selected node_modules under /out).
          const top = path.split("/").slice(0, 2).join("/");
          const made = stage?.instructions.some((i) => i.keyword === "RUN" && i.raw.includes(top));
          expect(made, `COPY ${source}: nothing in stage ${from} makes ${top}`).toBe(true);
        }
      }
    }
    // Everything `rampart sensor` loads: every bundle output but the other commands' CLI and the console's UI.
    expect([...copied].sort()).toEqual([...outputs].filter((o) => o !== "cli.mjs" && o !== "web").sort());
  });

  it("names workspaces that exist", () => {
    const names = ["engine", "console", "sensor", "cli", "web"].map(
      (p) => (JSON.parse(read(`packages/${p}/package.json`)) as { name: string }).name,
    );
    const used = instructions
      .filter((i) => i.keyword === "RUN")
      .flatMap((i) => [...i.raw.matchAll(/--workspace[= ]([^\s;|&)]+)/g)].map((m) => m[1] as string));
    expect(used.length).toBeGreaterThan(0);
    for (const w of used) expect(names, `--workspace ${w}`).toContain(w);
  });

  it("has the entrypoint the DaemonSet runs after dropping to its user", () => {
    const entrypoint = instructions.filter((i) => i.keyword === "ENTRYPOINT").at(-1);
    const argv = JSON.parse(entrypoint?.raw.slice("ENTRYPOINT".length).trim() ?? "null") as string[];
    expect(argv).toEqual(["node", "/opt/rampart/dist/rampart.mjs", "sensor"]);
    const { launcher } = daemonSetSensorArgv(sensorContainer);
    expect(launcher.slice(launcher.indexOf("--") + 1)).toEqual(argv);
    // The image puts rampart.mjs where the entrypoint looks for it.
    const dest = instructions
      .find((i) => i.keyword === "COPY" && i.args.some((a) => a.endsWith("/rampart.mjs")))
      ?.args.at(-1);
    expect(`${dest?.replace(/\/$/, "")}/rampart.mjs`).toBe(argv[1]);
  });
});
