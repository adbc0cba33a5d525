import { endianness } from "node:os";

/**
 * Addresses as /proc prints them. The kernel prints an IPv4 address (/proc/net/tcp, route, fib) as the 32-bit
 * word it stores in network byte order, formatted with %08X in the host's byte order: "0100007F" is
 * 127.0.0.1 on a little-endian machine. IPv6 (/proc/net/tcp6) is four such words; /proc/net/if_inet6 alone
 * prints the 16 bytes in order.
 */
const littleEndian = endianness() === "LE";

/** The four bytes of one %08X word as stored in memory. */
function wordBytes(hex: string, out: number[]): void {
  const v = Number.parseInt(hex, 16);
  const bytes = [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
  out.push(...(littleEndian ? bytes.reverse() : bytes));
}

const HEX8 = /^[0-9A-Fa-f]{8}$/;
const HEX32 = /^[0-9A-Fa-f]{32}$/;

/** "0100007F" → "127.0.0.1"; undefined when not 8 hex digits. */
export function procIPv4(hex: string): string | undefined {
  if (!HEX8.test(hex)) return undefined;
  const b: number[] = [];
  wordBytes(hex, b);
  return b.join(".");
}

/** An IPv6 address from /proc/net/tcp6 (four host-order words); IPv4-mapped addresses come back as IPv4. */
export function procIPv6(hex: string): string | undefined {
  if (!HEX32.test(hex)) return undefined;
  const b: number[] = [];
  for (let i = 0; i < 32; i += 8) wordBytes(hex.slice(i, i + 8), b);
  return formatIPv6(b);
}

/** An IPv6 address printed byte by byte (/proc/net/if_inet6). */
export function bytesIPv6(hex: string): string | undefined {
  if (!HEX32.test(hex)) return undefined;
  const b: number[] = [];
  for (let i = 0; i < 32; i += 2) b.push(Number.parseInt(hex.slice(i, i + 2), 16));
  return formatIPv6(b);
}

/**
 * 16 bytes as the canonical text of RFC 5952 (lower case, no leading zeros, the longest run of two or more
 * zero groups — the first of equals — as "::"), or as dotted IPv4 when it is an IPv4-mapped address
 * (::ffff:a.b.c.d), which is how a dual-stack socket shows an IPv4 peer.
 */
export function formatIPv6(b: readonly number[]): string {
  const mapped = b.slice(0, 10).every((x) => x === 0) && b[10] === 255 && b[11] === 255;
  if (mapped) return b.slice(12).join(".");
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] ?? 0) << 8) | (b[i + 1] ?? 0));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}
