import { posix } from "node:path";
import type { FileView } from "../../file-view.js";
import { arr, type Json, obj, str } from "./json.js";

/**
 * The Docker daemon's configured settings as a root filesystem holds them: /etc/docker/daemon.json and the
 * dockerd command line of the systemd unit (with its drop-ins and the $DOCKER_OPTS of /etc/default/docker or
 * /etc/sysconfig/docker). dockerd refuses to start when a setting is given both ways, so the two never
 * disagree on a running daemon; flags are applied last. Keys are spelled as daemon.json spells them.
 */

export const DAEMON_JSON = "/etc/docker/daemon.json";
/** Where systemd looks for units, most specific first (as `systemctl show -p FragmentPath` would find). */
export const UNIT_DIRS = [
  "/etc/systemd/system",
  "/run/systemd/system",
  "/usr/lib/systemd/system",
  "/lib/systemd/system",
];
export const ENV_FILES = ["/etc/default/docker", "/etc/sysconfig/docker"];

export interface DockerdConfig {
  /** Settings from daemon.json and the dockerd flags (only those given; defaults are the caller's). */
  settings: Json;
  daemonJson: { path: string; present: boolean; valid: boolean };
  /** The docker.service file found, and the dockerd command line it runs (empty when none). */
  unit: { path: string; execStart: string };
  /** Any Docker daemon configuration exists in the tree (daemon.json, the unit, an env file). */
  present: boolean;
}

type Kind = "bool" | "string" | "list";
/** dockerd flags → daemon.json keys (https://docs.docker.com/reference/cli/dockerd/). */
const FLAGS: Record<string, { key: string; kind: Kind }> = {
  icc: { key: "icc", kind: "bool" },
  "log-level": { key: "log-level", kind: "string" },
  l: { key: "log-level", kind: "string" },
  debug: { key: "debug", kind: "bool" },
  D: { key: "debug", kind: "bool" },
  iptables: { key: "iptables", kind: "bool" },
  "insecure-registry": { key: "insecure-registries", kind: "list" },
  "storage-driver": { key: "storage-driver", kind: "string" },
  s: { key: "storage-driver", kind: "string" },
  host: { key: "hosts", kind: "list" },
  H: { key: "hosts", kind: "list" },
  tls: { key: "tls", kind: "bool" },
  tlsverify: { key: "tlsverify", kind: "bool" },
  tlscacert: { key: "tlscacert", kind: "string" },
  tlscert: { key: "tlscert", kind: "string" },
  tlskey: { key: "tlskey", kind: "string" },
  "default-ulimit": { key: "default-ulimits", kind: "list" },
  "userns-remap": { key: "userns-remap", kind: "string" },
  "cgroup-parent": { key: "cgroup-parent", kind: "string" },
  "authorization-plugin": { key: "authorization-plugins", kind: "list" },
  "log-driver": { key: "log-driver", kind: "string" },
  "no-new-privileges": { key: "no-new-privileges", kind: "bool" },
  "live-restore": { key: "live-restore", kind: "bool" },
  "userland-proxy": { key: "userland-proxy", kind: "bool" },
  "seccomp-profile": { key: "seccomp-profile", kind: "string" },
  experimental: { key: "experimental", kind: "bool" },
  "selinux-enabled": { key: "selinux-enabled", kind: "bool" },
};

export async function readDockerdConfig(files: FileView, warn: (m: string) => void): Promise<DockerdConfig> {
  const settings: Json = {};
  const text = await readSafely(files, DAEMON_JSON, warn);
  let valid = false;
  if (text !== undefined) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not a JSON object");
      Object.assign(settings, parsed);
      valid = true;
    } catch (e) {
      warn(`${DAEMON_JSON}: not valid JSON (${(e as Error).message}); dockerd would refuse to start with it`);
    }
  }
  const unit = await dockerUnit(files, warn);
  Object.assign(settings, parseDockerdFlags(unit.execStart, warn));
  const envFiles = await Promise.all(ENV_FILES.map((p) => files.stat(p)));
  return {
    settings,
    daemonJson: { path: DAEMON_JSON, present: text !== undefined, valid },
    unit,
    present: text !== undefined || unit.path !== "" || envFiles.some(Boolean),
  };
}

async function readSafely(files: FileView, path: string, warn: (m: string) => void): Promise<string | undefined> {
  try {
    return await files.read(path);
  } catch (e) {
    warn((e as Error).message);
    return undefined;
  }
}

/** The first of `names` found in the unit directories, most specific first. */
export async function findUnit(files: FileView, name: string): Promise<string> {
  for (const dir of UNIT_DIRS) {
    const path = posix.join(dir, name);
    if (await files.stat(path)) return path;
  }
  return "";
}

/**
 * docker.service's effective ExecStart: the unit's, then each drop-in's in name order (an empty "ExecStart="
 * resets the list, as systemd does), with $VAR and ${VAR} taken from its EnvironmentFile= and Environment=.
 */
async function dockerUnit(files: FileView, warn: (m: string) => void): Promise<DockerdConfig["unit"]> {
  const path = await findUnit(files, "docker.service");
  if (!path) return { path: "", execStart: "" };
  const texts = [(await readSafely(files, path, warn)) ?? ""];
  const dropIns: Array<{ name: string; text: string }> = [];
  for (const dir of UNIT_DIRS)
    for (const f of await files.readDir(posix.join(dir, "docker.service.d"), (n) => n.endsWith(".conf")))
      dropIns.push({ name: posix.basename(f.path), text: f.text });
  dropIns.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  texts.push(...dropIns.map((d) => d.text));
  let execStart = "";
  const env = new Map<string, string>();
  for (const text of texts)
    for (const [key, value] of serviceDirectives(text)) {
      if (key === "ExecStart") execStart = value.replace(/^[-@+!:]+/, "");
      else if (key === "EnvironmentFile") {
        const file = value.replace(/^-/, "");
        for (const [k, v] of parseEnvFile((await readSafely(files, file, warn)) ?? "")) env.set(k, v);
      } else if (key === "Environment") for (const w of splitWords(value)) addAssignment(env, w);
    }
  return { path, execStart: execStart.replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a, b) => env.get(a ?? b) ?? "") };
}

/** The [Service] section's directives, continuation lines joined. */
function serviceDirectives(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let section = "";
  const lines = text.replace(/\\\r?\n/g, " ").split(/\r?\n/);
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith(";")) continue;
    if (line.startsWith("[")) {
      section = line;
      continue;
    }
    const i = line.indexOf("=");
    if (section === "[Service]" && i > 0) out.push([line.slice(0, i).trim(), line.slice(i + 1).trim()]);
  }
  return out;
}

/** KEY=value lines of a shell-style environment file ("export" and quotes allowed). */
export function parseEnvFile(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim().replace(/^export\s+/, "");
    if (!line || line.startsWith("#")) continue;
    addAssignment(env, line);
  }
  return env;
}

function addAssignment(env: Map<string, string>, assignment: string): void {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(assignment);
  if (!m) return;
  let value = (m[2] ?? "").trim();
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0] as string))
    value = value.slice(1, -1);
  env.set(m[1] as string, value);
}

/** Whitespace-separated words, with "double" and 'single' quoted parts kept together (quotes removed). */
export function splitWords(s: string): string[] {
  const out: string[] = [];
  for (const m of s.matchAll(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g)) out.push(m[0].replace(/"([^"]*)"|'([^']*)'/g, "$1$2"));
  return out;
}

/**
 * The daemon.json settings a dockerd command line gives: `--icc=false`, `--log-level warn`, `-H fd://`,
 * repeated list flags. Only the flags posture controls read are kept; the others are skipped with their value.
 */
export function parseDockerdFlags(commandLine: string, warn: (m: string) => void = () => {}): Json {
  const words = splitWords(commandLine);
  const start = words.findIndex((w) => posix.basename(w) === "dockerd");
  const out: Json = {};
  if (start < 0) return out;
  for (let i = start + 1; i < words.length; i++) {
    const w = words[i] as string;
    const m = /^--?([A-Za-z][\w-]*)(?:=(.*))?$/.exec(w);
    if (!m) continue;
    const name = m[1] as string;
    const flag = FLAGS[name];
    let value = m[2];
    if (!flag) {
      // An unknown flag with a separate value: skip the value too, unless it looks like the next flag.
      if (value === undefined && words[i + 1] !== undefined && !(words[i + 1] as string).startsWith("-")) i++;
      continue;
    }
    if (flag.kind === "bool") {
      if (value === undefined) out[flag.key] = true;
      else if (value === "true" || value === "false") out[flag.key] = value === "true";
      else warn(`dockerd ${w}: not a boolean`);
      continue;
    }
    if (value === undefined) value = words[++i] ?? "";
    if (flag.kind === "string") out[flag.key] = value;
    else out[flag.key] = [...arr(out[flag.key]), value];
  }
  return out;
}

/** daemon.json's "default-ulimits" is an object by name; the flag form is "nofile=1024:2048". */
export function ulimitNames(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((x) => str(x).split("=")[0] ?? "").filter(Boolean);
  return Object.keys(obj(v));
}
