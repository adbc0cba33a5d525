import { LIMITS, type ProcessItem } from "@rampart/console/protocol";
import { BOUNDS } from "./bounds.js";
import { containerIdFromCgroup } from "./cgroup.js";
import type { Discoverer, DiscoveryContext } from "./discoverer.js";
import { clip, procDir, procHead, procLink, procText, timeSlicer } from "./proc-fs.js";
import { hostUsers } from "./users.js";

/** One process as read from /proc: what the report carries plus what other discoverers need. */
export interface ProcessRecord {
  pid: number;
  ppid: number;
  /** The kernel's short name (/proc/PID/comm, at most 15 bytes). */
  comm: string;
  command: string;
  /** The real uid; undefined when /proc/PID/status could not be read. */
  uid: number | undefined;
  user: string;
  /** The executable as the process's mount namespace names it; "" for kernel threads or when unreadable. */
  exe: string;
  containerId?: string;
  /**
   * The network namespace (readlink /proc/PID/ns/net, e.g. "net:[4026531840]"); undefined for kernel threads
   * and when unreadable (another user's process, a non-dumpable one). Processes with the same value share
   * addresses, ports and sockets.
   */
  netns?: string;
  kernelThread: boolean;
}

/** Where a discoverer gets the process table: by default it reads /proc itself. */
export type ProcessSource = (ctx: DiscoveryContext) => Promise<ProcessRecord[]>;

/** The fields of /proc/PID/stat discovery uses. */
export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  flags: number;
}

/** PF_KTHREAD in /proc/PID/stat's flags (include/linux/sched.h). */
const PF_KTHREAD = 0x0020_0000;
const CMDLINE_BYTES = 16_384;

/**
 * /proc/PID/stat is "pid (comm) state ppid pgrp session tty tpgid flags …". comm is whatever the process
 * named itself (up to 15 bytes, spaces and parentheses included), so the fields after it start after the LAST
 * ")".
 */
export function parseStat(text: string): ProcStat | undefined {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const f = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const ppid = Number(f[1]);
  const flags = Number(f[6]);
  if (!Number.isInteger(pid) || !Number.isInteger(ppid) || !Number.isInteger(flags) || !f[0]) return undefined;
  return { pid, comm: text.slice(open + 1, close), state: f[0], ppid, flags };
}

/** The real uid from /proc/PID/status ("Uid:\treal\teffective\tsaved\tfs"). */
export function realUid(status: string): number | undefined {
  const m = /^Uid:\s+(\d+)/m.exec(status);
  return m ? Number(m[1]) : undefined;
}

/** /proc/PID/cmdline: the arguments, each ended by NUL, shown joined by spaces. */
export function commandLine(cmdline: Buffer): string {
  const args = cmdline.toString("utf8").split("\0");
  while (args.length > 0 && args[args.length - 1] === "") args.pop();
  return args.join(" ");
}

/**
 * Every process under ctx.procRoot, in pid order, at most `limit` (the report's bound; a warning says when
 * more were left out). Processes that exit while being read are skipped without a word.
 */
export async function readProcesses(ctx: DiscoveryContext, limit: number = LIMITS.processes): Promise<ProcessRecord[]> {
  const entries = procDir(ctx.procRoot);
  if (!entries) {
    ctx.warn(`cannot list ${ctx.procRoot}: no processes discovered`);
    return [];
  }
  let pids = entries
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .sort((a, b) => a - b);
  if (pids.length > limit) {
    ctx.warn(`${pids.length} processes: only the first ${limit} are reported`);
    pids = pids.slice(0, limit);
  }
  const users = await hostUsers(ctx.hostRoot);
  const userName = (uid: number | undefined) =>
    uid === undefined ? "" : clip(users.get(uid) ?? String(uid), BOUNDS.user);
  const slice = timeSlicer(ctx.signal);
  const records: ProcessRecord[] = [];
  for (const pid of pids) {
    await slice();
    const r = readProcess(`${ctx.procRoot}/${pid}`, userName);
    if (r) records.push(r);
  }
  return records;
}

function readProcess(dir: string, userName: (uid: number | undefined) => string): ProcessRecord | undefined {
  const text = procText(`${dir}/stat`);
  const stat = text === undefined ? undefined : parseStat(text);
  if (!stat) return undefined;
  const base = { pid: stat.pid, ppid: stat.ppid, comm: stat.comm };
  // Kernel threads have no command line, executable, sockets or maps, and run as root.
  if (stat.flags & PF_KTHREAD)
    return { ...base, command: `[${stat.comm}]`, uid: 0, user: userName(0), exe: "", kernelThread: true };
  const status = procText(`${dir}/status`);
  if (status === undefined) return undefined; // gone in between
  const cmdline = procHead(`${dir}/cmdline`, CMDLINE_BYTES);
  const exe = procLink(`${dir}/exe`);
  const netns = procLink(`${dir}/ns/net`);
  const cgroup = procText(`${dir}/cgroup`);
  const command = cmdline ? commandLine(cmdline) : "";
  const uid = realUid(status);
  const containerId = cgroup === undefined ? undefined : containerIdFromCgroup(cgroup);
  return {
    ...base,
    // A zombie's command line is empty: ps shows its name in brackets too.
    command: clip(command || `[${stat.comm}]`, BOUNDS.command),
    uid,
    user: userName(uid),
    exe: clip(exe ?? "", BOUNDS.exe),
    ...(containerId ? { containerId } : {}),
    ...(netns ? { netns } : {}),
    kernelThread: false,
  };
}

/** The report's item for a process. */
export function processItem(p: ProcessRecord): ProcessItem {
  return {
    pid: p.pid,
    ppid: p.ppid,
    command: p.command,
    user: p.user,
    exe: p.exe,
    ...(p.containerId ? { containerId: p.containerId } : {}),
  };
}

/**
 * A process source that reads /proc once per discovery context, so the process, socket and in-use
 * discoverers of one pass share one read (the agent makes a new context for each pass).
 */
export function sharedProcesses(read: ProcessSource = (ctx) => readProcesses(ctx)): ProcessSource {
  const passes = new WeakMap<DiscoveryContext, Promise<ProcessRecord[]>>();
  return (ctx) => {
    let p = passes.get(ctx);
    if (!p) {
      p = read(ctx);
      passes.set(ctx, p);
    }
    return p;
  };
}

export interface ProcessDiscovererOptions {
  processes?: ProcessSource;
}

/** The processes section: every process of the host, with its container. */
export function processDiscoverer(opts: ProcessDiscovererOptions = {}): Discoverer {
  const source = opts.processes ?? ((ctx: DiscoveryContext) => readProcesses(ctx));
  return {
    name: "processes",
    async discover(ctx) {
      return { processes: (await source(ctx)).map(processItem) };
    },
  };
}
