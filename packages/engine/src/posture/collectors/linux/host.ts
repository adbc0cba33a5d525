import { readdir, readFile, readlink } from "node:fs/promises";
import { posix } from "node:path";
import { parseParagraphs } from "../../../catalog/dpkg/control.js";
import type { FileMeta, FileView } from "../../file-view.js";
import type { PostureTarget } from "../../target.js";
import type { Subject } from "../collector.js";

/**
 * What the Linux collectors share: the host as one subject, the installed packages, systemd enablement,
 * running processes and small configuration-file parsers. Results read more than once in a scan (the dpkg
 * database, the unit links) are kept per target so every collector sees the same snapshot.
 */

/** The single subject every Linux collector returns: the host (or root filesystem) itself. */
export function hostSubject(facts: Record<string, unknown>, path?: string): Subject[] {
  return [{ id: "host", facts, ...(path ? { location: { path } } : {}) }];
}

const memo = new WeakMap<object, Map<string, Promise<unknown>>>();
/** `make` runs once per key and target (one scan); later callers get the same promise. */
export function once<T>(owner: object, key: string, make: () => Promise<T>): Promise<T> {
  let m = memo.get(owner);
  if (!m) {
    m = new Map();
    memo.set(owner, m);
  }
  let p = m.get(key) as Promise<T> | undefined;
  if (!p) {
    p = make();
    m.set(key, p);
  }
  return p;
}

/** dpkg's database can be several MB on a desktop: it is not a config file, so it gets its own limit. */
const DPKG_STATUS_LIMIT = 64 * 1024 * 1024;
const INSTALLED = new Set(["installed", "triggers-pending", "triggers-awaited", "half-configured"]);

/** Installed Debian packages, name → version (from /var/lib/dpkg/status). Empty when there is no database. */
export function installedPackages(target: PostureTarget): Promise<Record<string, string>> {
  return once(target, "dpkg", async () => {
    const files = target.files as FileView;
    const out: Record<string, string> = {};
    const text = await files.read("/var/lib/dpkg/status", DPKG_STATUS_LIMIT);
    if (text === undefined) return out;
    for (const p of parseParagraphs(text)) {
      const name = p.get("package");
      const state = p.get("status")?.split(/\s+/)[2];
      if (name && state && INSTALLED.has(state)) out[name] = p.get("version") ?? "";
    }
    return out;
  });
}

export interface UnitState {
  /** Units pulled in at boot: linked from a *.wants/ or *.requires/ directory of /etc/systemd/system. */
  enabled: string[];
  /** Units linked to /dev/null in /etc/systemd/system: they cannot start. */
  masked: string[];
}

/**
 * systemd enablement as `systemctl enable` leaves it: links in /etc/systemd/system/<target>.wants/. Read from
 * the files (not the running manager) so a root filesystem and the live host answer the same way.
 */
export function systemdUnits(target: PostureTarget): Promise<UnitState> {
  return once(target, "units", async () => {
    const files = target.files as FileView;
    const dir = "/etc/systemd/system";
    const enabled = new Set<string>();
    const masked: string[] = [];
    for (const name of (await files.list(dir)) ?? []) {
      const path = `${dir}/${name}`;
      if (name.endsWith(".wants") || name.endsWith(".requires")) {
        for (const unit of (await files.list(path)) ?? []) enabled.add(unit);
        continue;
      }
      const meta = await lstatLink(files, path);
      if (meta === "/dev/null") masked.push(name);
    }
    const m = new Set(masked);
    return { enabled: [...enabled].filter((u) => !m.has(u)).sort(), masked: masked.sort() };
  });
}

/** Where a link in the view points, without following it; undefined for anything that is not a link. */
async function lstatLink(files: FileView, path: string): Promise<string | undefined> {
  try {
    return await readlink(posix.join(files.root, path));
  } catch {
    return undefined;
  }
}

/** Names of running processes (/proc/PID/comm) on the live host; empty for a root filesystem. */
export function runningProcesses(target: PostureTarget): Promise<string[]> {
  return once(target, "procs", async () => {
    const live = target.live;
    if (!live) return [];
    let pids: string[];
    try {
      pids = (await readdir(live.procRoot)).filter((n) => /^\d+$/.test(n));
    } catch {
      return [];
    }
    const names = new Set<string>();
    for (const pid of pids) {
      const comm = await readProc(target, `${pid}/comm`);
      if (comm) names.add(comm.trim());
    }
    return [...names].sort();
  });
}

/** A file under the live host's /proc ("sys/net/ipv4/ip_forward"); undefined when absent or not live. */
export async function readProc(target: PostureTarget, rel: string): Promise<string | undefined> {
  if (!target.live) return undefined;
  try {
    const buf = await readFile(posix.join(target.live.procRoot, rel));
    return buf.subarray(0, 1024 * 1024).toString("utf8");
  } catch {
    return undefined;
  }
}

/** A file's metadata as facts: absent files are `exists: false` with zeroes, so checks need no `has()`. */
export interface FileFacts {
  path: string;
  exists: boolean;
  kind: string;
  mode: number;
  uid: number;
  gid: number;
}
export function fileFacts(path: string, m: FileMeta | undefined): FileFacts {
  return m
    ? { path, exists: true, kind: m.kind, mode: m.mode, uid: m.uid, gid: m.gid }
    : { path, exists: false, kind: "missing", mode: 0, uid: 0, gid: 0 };
}
export async function statFacts(files: FileView, path: string): Promise<FileFacts> {
  return fileFacts(path, await files.stat(path));
}

/** Lines without comments (from "#") and surrounding blanks, with their 1-based numbers. */
export function configLines(text: string, comment = "#"): Array<{ line: string; no: number }> {
  const out: Array<{ line: string; no: number }> = [];
  text.split("\n").forEach((raw, i) => {
    const hash = raw.indexOf(comment);
    const line = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (line) out.push({ line, no: i + 1 });
  });
  return out;
}

/**
 * "key = value" or "key value" files (login.defs, pwquality.conf, auditd.conf, faillock.conf): keys lower
 * case, the last assignment of a key wins as these programs read them.
 */
export function parseKeyValues(text: string, into: Record<string, string> = {}): Record<string, string> {
  for (const { line } of configLines(text)) {
    const m = /^([A-Za-z0-9_.-]+)\s*(?:=\s*|\s+|$)(.*)$/.exec(line);
    if (m) into[(m[1] as string).toLowerCase()] = (m[2] ?? "").trim();
  }
  return into;
}

/** systemd-style INI files (journald.conf): `section.key` → value, later files and lines win. */
export function parseIni(text: string, into: Record<string, string> = {}): Record<string, string> {
  let section = "";
  for (const { line } of configLines(text.replace(/^\s*;.*$/gm, ""))) {
    const s = /^\[(.+)\]$/.exec(line);
    if (s) {
      section = (s[1] as string).trim().toLowerCase();
      continue;
    }
    const eq = line.indexOf("=");
    if (eq > 0) into[`${section}.${line.slice(0, eq).trim().toLowerCase()}`] = line.slice(eq + 1).trim();
  }
  return into;
}

/** Shell-style `NAME="value"` assignments (/etc/default/*), unquoted; later ones win. */
export function parseShellVars(text: string, into: Record<string, string> = {}): Record<string, string> {
  for (const { line } of configLines(text)) {
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) into[m[1] as string] = unquote((m[2] as string).trim());
  }
  return into;
}

export function unquote(s: string): string {
  return /^(["']).*\1$/.test(s) ? s.slice(1, -1) : s;
}

/**
 * systemd drop-in order: files named *.conf from the vendor directories and /etc, a name in /etc replacing
 * the same name elsewhere, all read in the order of their names (sysctl.d(5), journald.conf(5)).
 */
export async function dropIns(
  files: FileView,
  dirs: readonly string[],
  suffix = ".conf",
): Promise<Array<{ path: string; text: string }>> {
  const byName = new Map<string, string>();
  for (const dir of dirs)
    for (const name of (await files.list(dir)) ?? []) if (name.endsWith(suffix)) byName.set(name, `${dir}/${name}`);
  const out: Array<{ path: string; text: string }> = [];
  for (const name of [...byName.keys()].sort()) {
    const path = byName.get(name) as string;
    const text = await files.read(path);
    if (text !== undefined) out.push({ path, text });
  }
  return out;
}

/** Whether any of the names is an installed package. */
export function anyInstalled(pkgs: Record<string, string>, names: readonly string[]): boolean {
  return names.some((n) => n in pkgs);
}

/**
 * The kernel command line the host boots with: GRUB_CMDLINE_LINUX(+_DEFAULT) from /etc/default/grub and
 * its grub.d drop-ins when GRUB is configured, else the live host's /proc/cmdline.
 */
export function kernelCmdline(target: PostureTarget): Promise<{ source: string; words: string[] }> {
  return once(target, "cmdline", async () => {
    const files = target.files as FileView;
    const grub = await files.read("/etc/default/grub");
    if (grub !== undefined) {
      const vars = parseShellVars(grub);
      for (const d of await files.readDir("/etc/default/grub.d", (n) => n.endsWith(".cfg")))
        parseShellVars(d.text, vars);
      const words = `${vars.GRUB_CMDLINE_LINUX ?? ""} ${vars.GRUB_CMDLINE_LINUX_DEFAULT ?? ""}`
        .split(/\s+/)
        .filter(Boolean);
      return { source: "/etc/default/grub", words };
    }
    const live = await readProc(target, "cmdline");
    if (live !== undefined) return { source: "/proc/cmdline", words: live.split(/\s+/).filter(Boolean) };
    return { source: "none", words: [] };
  });
}
