import { procIPv4, procIPv6 } from "./ip.js";

/** One socket of /proc/net/{tcp,tcp6,udp,udp6}. */
export interface SocketEntry {
  proto: "tcp" | "udp";
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /** The kernel's TCP state number (UDP uses 0x01 for connected, 0x07 otherwise). */
  state: number;
  /** The socket's inode (what /proc/PID/fd/N links to as "socket:[inode]"); 0 when no file holds it. */
  inode: number;
}

export const TCP_ESTABLISHED = 0x01;
export const TCP_LISTEN = 0x0a;

/**
 * A /proc/net socket table: a header, then one line per socket,
 *   "sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …"
 * with addresses as "HEXADDR:HEXPORT" (see ip.ts). tcp6/udp6 list IPv6 sockets, dual-stack ones included;
 * their IPv4-mapped addresses come back as IPv4. Lines that do not parse are skipped.
 */
export function parseSocketTable(text: string, proto: "tcp" | "udp", v6: boolean): SocketEntry[] {
  const decode = v6 ? procIPv6 : procIPv4;
  const out: SocketEntry[] = [];
  const lines = text.split("\n");
  for (let i = 1; i < lines.length; i++) {
    const f = (lines[i] as string).trim().split(/\s+/);
    if (f.length < 10) continue;
    const local = endpoint(f[1] as string, decode);
    const remote = endpoint(f[2] as string, decode);
    const state = Number.parseInt(f[3] as string, 16);
    const inode = Number(f[9]);
    if (!local || !remote || !Number.isInteger(state) || !Number.isInteger(inode)) continue;
    out.push({
      proto,
      localAddress: local.address,
      localPort: local.port,
      remoteAddress: remote.address,
      remotePort: remote.port,
      state,
      inode,
    });
  }
  return out;
}

function endpoint(s: string, decode: (hex: string) => string | undefined) {
  const colon = s.indexOf(":");
  if (colon < 0) return undefined;
  const address = decode(s.slice(0, colon));
  const port = Number.parseInt(s.slice(colon + 1), 16);
  if (address === undefined || !Number.isInteger(port) || port < 0 || port > 65535) return undefined;
  return { address, port };
}

/** An address that stands for "any": the unspecified address of either family. */
export const isUnspecified = (a: string): boolean => a === "0.0.0.0" || a === "::";

/**
 * What a socket is for the report: a TCP socket in LISTEN, or a UDP socket bound without a peer, listens; an
 * ESTABLISHED TCP socket, or a UDP socket connected to a peer, is a connection. Other TCP states (SYN_SENT,
 * TIME_WAIT, CLOSE_WAIT…) are passing and not reported.
 */
export function socketRole(e: SocketEntry): "listening" | "connection" | undefined {
  if (e.proto === "tcp")
    return e.state === TCP_LISTEN ? "listening" : e.state === TCP_ESTABLISHED ? "connection" : undefined;
  return e.remotePort === 0 && isUnspecified(e.remoteAddress) ? "listening" : "connection";
}
