import { type ElfFile, PF_W, PF_X } from "../elf/elf.js";

/**
 * Reads the build information the Go linker embeds in every binary (what `go version -m` prints), following
 * the algorithm of Go's debug/buildinfo package so the result matches the toolchain's own reader.
 *
 * The blob starts with a 16-byte header, 16-byte aligned, near the start of the data segment (or in its own
 * .go.buildinfo section): the magic, the pointer size, and a flags byte. Since Go 1.18 (flag bit 2) the two
 * strings (runtime version, module info) follow inline with uvarint lengths; before that the header holds
 * two pointers to Go string headers (data pointer, length) that must be resolved through the loaded segments.
 */

export const BUILDINFO_MAGIC = Buffer.from("\xff Go buildinf:", "latin1");
const HEADER_SIZE = 32;
const ALIGN = 16;
/** Go reads this much of the data segment to find the header. */
const SEARCH_WINDOW = 64 * 1024;
/** Go rejects longer strings in the pointer format; a sane cap for the inline format too. */
const MAX_STRING = 1 << 20;

export interface GoBuildInfo {
  /** "go1.19.8" */
  goVersion: string;
  /** The module info text ("path\t…\nmod\t…\ndep\t…"), framing removed; "" when built outside module mode. */
  modinfo: string;
}

export class GoBuildInfoError extends Error {
  override name = "GoBuildInfoError";
}

/**
 * The build info of a Go ELF binary, or undefined when the file is not a Go binary. Cheap on non-Go files: only
 * the headers and at most 64 KiB of one section are looked at. Throws GoBuildInfoError when the magic is there
 * but the blob is damaged.
 */
export function readGoBuildInfo(elf: ElfFile): GoBuildInfo | undefined {
  const start = dataStart(elf);
  if (start === undefined) return undefined;
  const window = elf.readVirtual(start, SEARCH_WINDOW);
  if (!window) return undefined;
  const at = findHeader(window);
  if (at === undefined) return undefined;
  const blobAddr = start + at;
  const header = window.subarray(at, at + HEADER_SIZE);
  const ptrSize = header[14];
  const flags = header[15] ?? 0;
  let goVersion: string;
  let modinfo: Buffer;
  if (flags & 2) {
    // Inline strings may run past the 64 KiB window: read on through the segment.
    const rest = elf.readVirtual(blobAddr + HEADER_SIZE, Number.MAX_SAFE_INTEGER);
    if (!rest) throw new GoBuildInfoError("build info strings are outside the file");
    const [vers, next] = uvarintBytes(rest, 0);
    goVersion = vers.toString("utf8");
    [modinfo] = uvarintBytes(rest, next);
  } else {
    if (ptrSize !== 4 && ptrSize !== 8) throw new GoBuildInfoError(`bad pointer size ${ptrSize}`);
    // The header's own flag says the target's byte order; the ELF header says the same for ELF files.
    const le = flags === 0;
    const ptr = (b: Buffer, off: number) => readPointer(b, off, ptrSize, le);
    goVersion = pointedBytes(elf, ptr(header, 16), ptrSize, le).toString("utf8");
    modinfo = pointedBytes(elf, ptr(header, 16 + ptrSize), ptrSize, le);
  }
  if (goVersion === "") throw new GoBuildInfoError("build info has no Go version");
  return { goVersion, modinfo: unframe(modinfo) };
}

/** Where Go looks for the blob: the .go.buildinfo section, else the first writable, non-executable segment. */
function dataStart(elf: ElfFile): number | undefined {
  const section = elf.section(".go.buildinfo");
  if (section) return section.addr;
  const data = elf.segments.find((p) => p.type === 1 && (p.flags & (PF_X | PF_W)) === PF_W);
  return data?.vaddr;
}

/** Offset of the first 16-byte-aligned magic with a whole header after it. */
function findHeader(window: Buffer): number | undefined {
  let from = 0;
  for (;;) {
    const i = window.indexOf(BUILDINFO_MAGIC, from);
    if (i < 0 || window.length - i < HEADER_SIZE) return undefined;
    if (i % ALIGN === 0) return i;
    from = i + 1;
  }
}

function readPointer(b: Buffer, off: number, size: number, le: boolean): number {
  if (off + size > b.length) throw new GoBuildInfoError("truncated build info header");
  if (size === 4) return le ? b.readUInt32LE(off) : b.readUInt32BE(off);
  const v = le ? b.readBigUInt64LE(off) : b.readBigUInt64BE(off);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

const EMPTY = Buffer.alloc(0);

/** Follows a pointer to a Go string header {data, len} and reads the bytes (empty when unresolvable, as in Go). */
function pointedBytes(elf: ElfFile, addr: number, ptrSize: number, le: boolean): Buffer {
  const hdr = elf.readVirtual(addr, 2 * ptrSize);
  if (!hdr || hdr.length < 2 * ptrSize) return EMPTY;
  const dataAddr = readPointer(hdr, 0, ptrSize, le);
  const len = readPointer(hdr, ptrSize, ptrSize, le);
  if (len > MAX_STRING) return EMPTY;
  const data = elf.readVirtual(dataAddr, len);
  return data && data.length === len ? data : EMPTY;
}

/** A uvarint length followed by that many bytes; returns the bytes and the offset after them. */
function uvarintBytes(b: Buffer, at: number): [Buffer, number] {
  let len = 0;
  let shift = 0;
  let i = at;
  for (;;) {
    const byte = b[i++];
    if (byte === undefined || shift > 28) throw new GoBuildInfoError("bad string length in build info");
    len += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) break;
    shift += 7;
  }
  if (len > MAX_STRING || i + len > b.length) throw new GoBuildInfoError("build info string runs past the data");
  return [b.subarray(i, i + len), i + len];
}

/**
 * cmd/go wraps the module info in two 16-byte binary sentinels; strip them as debug/buildinfo does, on the bytes
 * (the sentinels are not UTF-8).
 */
function unframe(mod: Buffer): string {
  return mod.length >= 33 && mod[mod.length - 17] === 0x0a ? mod.toString("utf8", 16, mod.length - 16) : "";
}
