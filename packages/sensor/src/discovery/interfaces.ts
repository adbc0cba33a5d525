import { statfs } from "node:fs/promises";
import { networkInterfaces } from "node:os";
import type { HostInfo } from "@rampart/console/protocol";
import { BOUNDS } from "./bounds.js";
import { bytesIPv6, procIPv4 } from "./ip.js";
import { clip, procInode, readText } from "./proc-fs.js";

export type Interface = HostInfo["interfaces"][number];

/** The name given to IPv4 addresses whose interface /proc does not tell (see parseInterfaces). */
export const UNKNOWN_INTERFACE = "?";
const RTF_GATEWAY = 0x2;
const PROC_SUPER_MAGIC = 0x9fa0;

/** The /proc/net files of one network namespace that name its addresses. */
export interface NetFiles {
  fibTrie: string;
  route: string;
  ifInet6: string;
  /** /proc/net/dev, for the interfaces' order. */
  dev?: string;
}

/**
 * The interfaces and addresses of a network namespace from its /proc/net files. Only netlink lists IPv4
 * addresses per interface, so they are put together from two files: the local routing table in fib_trie holds
 * every local address (the "/32 host LOCAL" leaves), and the connected routes of /proc/net/route (no gateway)
 * name the interface of each subnet: an address goes to the interface of the longest connected prefix that
 * holds it, 127.0.0.0/8 to "lo". An address without a connected route (a /32, as some clouds and Kubernetes
 * networks assign) goes under UNKNOWN_INTERFACE: the address is certain, its interface is not (and a /32 inside
 * another interface's subnet is given that interface). `known` names the interface of addresses from a
 * better source (the operating system's own list) and overrides both. IPv6 comes from if_inet6, which names
 * the interface of each address.
 */
export function parseInterfaces(files: NetFiles, known?: ReadonlyMap<string, string>): Interface[] {
  const byName = new Map<string, Set<string>>();
  const add = (name: string, address: string) => {
    const set = byName.get(name);
    if (set) set.add(address);
    else byName.set(name, new Set([address]));
  };
  const routes = connectedRoutes(files.route);
  for (const address of localIPv4(files.fibTrie)) add(known?.get(address) ?? interfaceOf(address, routes), address);
  for (const line of files.ifInet6.split("\n")) {
    const f = line.trim().split(/\s+/);
    const address = f.length >= 6 ? bytesIPv6(f[0] as string) : undefined;
    if (address) add(f[5] as string, address);
  }
  const order = (files.dev ?? "")
    .split("\n")
    .slice(2)
    .map((l) => l.split(":")[0]?.trim() ?? "");
  const rank = (n: string) =>
    n === UNKNOWN_INTERFACE ? Number.MAX_SAFE_INTEGER : order.indexOf(n) + 1 || order.length + 1;
  return bounded(
    [...byName.entries()]
      .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
      .map(([name, set]) => ({ name, addresses: [...set] })),
  );
}

/** The local IPv4 addresses: leaves of fib_trie's local table whose entry is "/32 host LOCAL". */
export function localIPv4(fibTrie: string): string[] {
  const out = new Set<string>();
  let leaf: string | undefined;
  for (const line of fibTrie.split("\n")) {
    const node = /^\s*\|-- (\d{1,3}(?:\.\d{1,3}){3})\s*$/.exec(line);
    if (node) {
      leaf = node[1];
      continue;
    }
    if (/^\s*\+--/.test(line) || !/^\s*\//.test(line)) {
      leaf = undefined;
      continue;
    }
    if (leaf && /^\s*\/32 host LOCAL\b/.test(line)) out.add(leaf);
  }
  return [...out];
}

interface Route {
  iface: string;
  network: number;
  mask: number;
  bits: number;
}

function connectedRoutes(route: string): Route[] {
  const out: Route[] = [];
  for (const line of route.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8 || f[0] === "*") continue;
    const flags = Number.parseInt(f[3] as string, 16);
    const dest = procIPv4(f[1] as string);
    const mask = procIPv4(f[7] as string);
    if (!dest || !mask || !Number.isInteger(flags) || flags & RTF_GATEWAY) continue;
    const m = toInt(mask);
    out.push({ iface: f[0] as string, network: toInt(dest) & m, mask: m, bits: popcount(m) });
  }
  return out;
}

function interfaceOf(address: string, routes: readonly Route[]): string {
  if (address.startsWith("127.")) return "lo";
  const a = toInt(address);
  let best: Route | undefined;
  for (const r of routes) if ((a & r.mask) === r.network && (!best || r.bits > best.bits)) best = r;
  return best?.iface ?? UNKNOWN_INTERFACE;
}

const toInt = (dotted: string) => dotted.split(".").reduce((n, o) => ((n << 8) | Number(o)) >>> 0, 0) | 0;
const popcount = (n: number) => {
  let c = 0;
  for (let v = n >>> 0; v; v >>>= 1) c += v & 1;
  return c;
};

/**
 * The interface of each address the sensor's own network namespace has, from the operating system
 * (getifaddrs: exact, but libuv leaves out interfaces that are down or have no carrier).
 */
export function ownAddresses(): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, list] of Object.entries(networkInterfaces())) for (const a of list ?? []) out.set(a.address, name);
  return out;
}

/**
 * The host's interfaces. /proc/1/net under procRoot is the host's network namespace (pid 1 is the host's
 * init) even when the sensor runs in a container with its own, so the addresses are read there (see
 * parseInterfaces). When the sensor shares that namespace (on the host, or a pod with hostNetwork) the
 * operating system's own list names the interfaces of the addresses it holds. Whether the two namespaces are
 * one is told by the inode of their /proc/net/dev entry, which procfs makes once per namespace (the ns/net
 * link of pid 1, the usual test, may not be readable: a non-dumpable init refuses it even to root).
 */
export async function hostInterfaces(procRoot: string, warn: (m: string) => void): Promise<Interface[]> {
  const net = `${procRoot}/1/net`;
  const [fibTrie, route, ifInet6, dev] = await Promise.all(
    ["fib_trie", "route", "if_inet6", "dev"].map((f) => readText(`${net}/${f}`)),
  );
  if (fibTrie === undefined && ifInet6 === undefined) {
    warn(`cannot read the host's addresses from ${net}`);
    return [];
  }
  const known = (await sameNamespaceAsSelf(procRoot)) ? ownAddresses() : undefined;
  return parseInterfaces({ fibTrie: fibTrie ?? "", route: route ?? "", ifInet6: ifInet6 ?? "", dev: dev ?? "" }, known);
}

async function sameNamespaceAsSelf(procRoot: string): Promise<boolean> {
  try {
    if ((await statfs(procRoot)).type !== PROC_SUPER_MAGIC) return false;
  } catch {
    return false;
  }
  const host = procInode(`${procRoot}/1/net/dev`);
  const self = procInode("/proc/self/net/dev");
  return host !== undefined && host === self;
}

function bounded(list: Interface[]): Interface[] {
  return list.slice(0, BOUNDS.interfaces).map((i) => ({
    name: clip(i.name, BOUNDS.interfaceName),
    addresses: i.addresses.slice(0, BOUNDS.addressesPerInterface),
  }));
}
