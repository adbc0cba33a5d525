import { type ConnectionItem, itemKey, LIMITS, type ListeningItem } from "@rampart/console/protocol";
import type { Discoverer, DiscoveryContext } from "./discoverer.js";
import { parseSocketTable, type SocketEntry, socketRole } from "./net-table.js";
import { procDir, procInode, procLink, procText, timeSlicer } from "./proc-fs.js";
import { type ProcessRecord, type ProcessSource, readProcesses } from "./processes.js";

const TABLES = [
  ["tcp", "tcp", false],
  ["tcp6", "tcp", true],
  ["udp", "udp", false],
  ["udp6", "udp", true],
] as const;

/**
 * Which process holds each socket: every /proc/PID/fd/N that links to "socket:[inode]". A socket shared by
 * several processes (a listener inherited by a server's workers) goes to the lowest pid, usually the parent,
 * so the answer stays the same from one pass to the next.
 */
export async function socketOwners(
  procRoot: string,
  processes: readonly ProcessRecord[],
  signal?: AbortSignal,
): Promise<Map<number, number>> {
  const slice = timeSlicer(signal);
  const owners = new Map<number, number>();
  for (const p of processes) {
    if (p.kernelThread) continue;
    const dir = `${procRoot}/${p.pid}/fd`;
    for (const fd of procDir(dir) ?? []) {
      await slice();
      const target = procLink(`${dir}/${fd}`);
      if (!target?.startsWith("socket:[")) continue;
      const inode = Number(target.slice(8, -1));
      const owner = owners.get(inode);
      if (owner === undefined || p.pid < owner) owners.set(inode, p.pid);
    }
  }
  return owners;
}

/** The processes of one network namespace. */
interface Netns {
  processes: ProcessRecord[];
}

/**
 * The network namespaces the processes live in. /proc/PID/net shows the namespace of PID, so reading the
 * tables through one process of each namespace sees every socket of every namespace (containers, pods,
 * `ip netns`) exactly once. A process whose ns/net link cannot be read (a non-dumpable process, as some init
 * processes are) is placed by its /proc/PID/net/tcp entry instead: procfs makes that entry once per namespace,
 * so its inode number is the same for every process of one namespace and differs between namespaces.
 */
function namespaces(procRoot: string, processes: readonly ProcessRecord[]): Netns[] {
  const byNs = new Map<string, ProcessRecord[]>();
  const unknown: ProcessRecord[] = [];
  for (const p of processes) {
    if (p.kernelThread) continue;
    if (p.netns === undefined) unknown.push(p);
    else {
      const list = byNs.get(p.netns);
      if (list) list.push(p);
      else byNs.set(p.netns, [p]);
    }
  }
  const groups: Netns[] = [...byNs.values()].map((ps) => ({ processes: ps }));
  if (unknown.length === 0) return groups;
  const tableInode = (p: ProcessRecord) => procInode(`${procRoot}/${p.pid}/net/tcp`);
  const byInode = new Map<number, Netns>();
  for (const g of groups) {
    for (const p of g.processes) {
      const ino = tableInode(p);
      if (ino === undefined) continue;
      byInode.set(ino, g);
      break;
    }
  }
  for (const p of unknown) {
    const ino = tableInode(p);
    if (ino === undefined) continue;
    const g = byInode.get(ino);
    if (g) g.processes.push(p);
    else {
      const fresh = { processes: [p] };
      byInode.set(ino, fresh);
      groups.push(fresh);
    }
  }
  return groups;
}

/** The sockets of one namespace, read through the first of its processes that is still there. */
function readTables(procRoot: string, ns: Netns): SocketEntry[] | undefined {
  for (const p of ns.processes) {
    const texts = TABLES.map(([file]) => procText(`${procRoot}/${p.pid}/net/${file}`));
    if (texts.every((t) => t === undefined)) continue;
    return TABLES.flatMap(([, proto, v6], i) => parseSocketTable(texts[i] ?? "", proto, v6));
  }
  return undefined;
}

/** The one container all of a namespace's processes run in, if they all run in the same one. */
function onlyContainer(ns: Netns): string | undefined {
  const first = ns.processes[0]?.containerId;
  return first && ns.processes.every((p) => p.containerId === first) ? first : undefined;
}

export interface Sockets {
  listening: ListeningItem[];
  connections: ConnectionItem[];
}

/**
 * Listening sockets and connections of every network namespace, each with the process that holds it and that
 * process's container. A socket no process holds (a connection still in a listener's accept queue) or whose
 * holder we may not see is reported without a pid, and with the namespace's container when all of the
 * namespace's processes run in one.
 *
 * Addresses are the kernel's: a wildcard listener stays "0.0.0.0" or "::" (the console takes both, and "*",
 * as "any"), so a server listening on both families keeps two distinct items.
 */
export async function readSockets(ctx: DiscoveryContext, processes: readonly ProcessRecord[]): Promise<Sockets> {
  const owners = await socketOwners(ctx.procRoot, processes, ctx.signal);
  const groups = namespaces(ctx.procRoot, processes);
  const slice = timeSlicer(ctx.signal);
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const listening = new Map<string, ListeningItem>();
  const connections = new Map<string, ConnectionItem>();
  let dropped = 0;
  for (const ns of groups) {
    await slice();
    const entries = readTables(ctx.procRoot, ns);
    if (!entries) continue;
    const nsContainer = onlyContainer(ns);
    for (const e of entries) {
      const role = socketRole(e);
      if (!role) continue;
      const pid = e.inode === 0 ? undefined : owners.get(e.inode);
      const containerId = pid === undefined ? nsContainer : byPid.get(pid)?.containerId;
      const owner = { ...(pid !== undefined ? { pid } : {}), ...(containerId ? { containerId } : {}) };
      // One item per report key, the first seen.
      if (role === "listening") {
        const item = { proto: e.proto, address: e.localAddress, port: e.localPort, ...owner };
        const key = itemKey("listening", item);
        if (listening.has(key)) continue;
        if (listening.size >= LIMITS.listening) dropped++;
        else listening.set(key, item);
      } else {
        const item = {
          proto: e.proto,
          local: { address: e.localAddress, port: e.localPort },
          remote: { address: e.remoteAddress, port: e.remotePort },
          ...owner,
        };
        const key = itemKey("connections", item);
        if (connections.has(key)) continue;
        if (connections.size >= LIMITS.connections) dropped++;
        else connections.set(key, item);
      }
    }
  }
  if (dropped > 0) ctx.warn(`${dropped} sockets over the report's limits were left out`);
  return { listening: [...listening.values()], connections: [...connections.values()] };
}

export interface SocketDiscovererOptions {
  processes?: ProcessSource;
}

/** The listening and connections sections. */
export function socketDiscoverer(opts: SocketDiscovererOptions = {}): Discoverer {
  const source = opts.processes ?? ((ctx: DiscoveryContext) => readProcesses(ctx));
  return {
    name: "sockets",
    async discover(ctx) {
      return readSockets(ctx, await source(ctx));
    },
  };
}
