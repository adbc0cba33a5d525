/**
 * A minimal ELF reader: the file header, program headers (for virtual-address reads) and section headers (by
 * name). Hand-written on purpose: the npm ELF parsers are unmaintained or parse far more than we need (symbols,
 * DWARF) and copy the whole file; the catalogers see every ELF file of an image, so looking must cost only a
 * few header reads. Every offset is bounds-checked: malformed input throws ElfFormatError, never a RangeError.
 */

export const ELF_MAGIC = new Uint8Array([0x7f, 0x45, 0x4c, 0x46]);

const PT_LOAD = 1;
const SHT_NOBITS = 8;
const SHN_XINDEX = 0xffff;
/** More section or program headers than this is not a real binary. */
const MAX_HEADERS = 1 << 16;

export class ElfFormatError extends Error {
  override name = "ElfFormatError";
}

export interface ElfSegment {
  type: number;
  flags: number;
  vaddr: number;
  offset: number;
  filesz: number;
}

export interface ElfSection {
  name: string;
  type: number;
  addr: number;
  offset: number;
  size: number;
}

/** Segment flag bits (p_flags). */
export const PF_X = 1;
export const PF_W = 2;

export class ElfFile {
  private constructor(
    readonly data: Buffer,
    readonly is64: boolean,
    readonly littleEndian: boolean,
    /** e_machine (62 = x86-64, 3 = i386, 183 = aarch64…). */
    readonly machine: number,
    readonly segments: readonly ElfSegment[],
    readonly sections: readonly ElfSection[],
  ) {}

  static parse(data: Buffer): ElfFile {
    if (!isElf(data)) throw new ElfFormatError("not an ELF file");
    const cls = data[4];
    const enc = data[5];
    if (cls !== 1 && cls !== 2) throw new ElfFormatError(`unknown ELF class ${cls}`);
    if (enc !== 1 && enc !== 2) throw new ElfFormatError(`unknown ELF data encoding ${enc}`);
    const r = new Reader(data, cls === 2, enc === 1);
    const is64 = cls === 2;
    if (data.length < (is64 ? 64 : 52)) throw new ElfFormatError("truncated ELF header");
    const machine = r.u16(18);
    const phoff = r.addr(is64 ? 32 : 28);
    const shoff = r.addr(is64 ? 40 : 32);
    const hdr = is64 ? 52 : 40;
    const phentsize = r.u16(hdr + 2);
    const phnum = r.u16(hdr + 4);
    const shentsize = r.u16(hdr + 6);
    let shnum = r.u16(hdr + 8);
    let shstrndx = r.u16(hdr + 10);
    const segments = readSegments(r, phoff, phentsize, phnum);
    // Extended numbering: counts that do not fit 16 bits live in section header 0.
    if (shoff > 0 && shentsize >= (is64 ? 64 : 40) && shoff + shentsize <= data.length) {
      if (shnum === 0) shnum = r.addr(shoff + (is64 ? 32 : 20));
      if (shstrndx === SHN_XINDEX) shstrndx = r.u32(shoff + (is64 ? 40 : 24));
    }
    const sections = readSections(r, shoff, shentsize, shnum, shstrndx);
    return new ElfFile(data, is64, enc === 1, machine, segments, sections);
  }

  section(name: string): ElfSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /** A section's bytes, or undefined when it occupies no file space or points outside the file. */
  sectionData(s: ElfSection): Buffer | undefined {
    if (s.type === SHT_NOBITS || s.offset + s.size > this.data.length) return undefined;
    return this.data.subarray(s.offset, s.offset + s.size);
  }

  /**
   * Up to `size` bytes at virtual address `addr`, read through the loadable segment that maps it (fewer when the
   * segment's file image ends first); undefined when no segment maps the address.
   */
  readVirtual(addr: number, size: number): Buffer | undefined {
    for (const p of this.segments) {
      if (p.type !== PT_LOAD || p.filesz === 0 || addr < p.vaddr || addr >= p.vaddr + p.filesz) continue;
      const start = p.offset + (addr - p.vaddr);
      const end = Math.min(start + size, p.offset + p.filesz, this.data.length);
      return start < end ? this.data.subarray(start, end) : undefined;
    }
    return undefined;
  }

  /** Reads a pointer-sized unsigned integer in this file's byte order from `b` at `at`. */
  pointer(b: Buffer, at: number, size: 4 | 8): number {
    if (at + size > b.length) throw new ElfFormatError("pointer past end of data");
    if (size === 4) return this.littleEndian ? b.readUInt32LE(at) : b.readUInt32BE(at);
    return toNumber(this.littleEndian ? b.readBigUInt64LE(at) : b.readBigUInt64BE(at));
  }
}

export function isElf(data: Uint8Array): boolean {
  return data.length >= 16 && ELF_MAGIC.every((b, i) => data[i] === b);
}

/**
 * Parses once per buffer: several catalogers (Go, cargo-auditable) look at the same ELF file, and the scan hands
 * them the same Buffer.
 */
const cache = new WeakMap<Buffer, ElfFile | ElfFormatError>();
export function elfOf(data: Buffer): ElfFile {
  let parsed = cache.get(data);
  if (!parsed) {
    try {
      parsed = ElfFile.parse(data);
    } catch (e) {
      if (!(e instanceof ElfFormatError)) throw e;
      parsed = e;
    }
    cache.set(data, parsed);
  }
  if (parsed instanceof ElfFormatError) throw parsed;
  return parsed;
}

/**
 * elfOf for catalogers: undefined when the file is damaged. Many ELF-looking files are, and judging them is
 * not a cataloger's job, so no warning either.
 */
export function readableElf(data: Buffer): ElfFile | undefined {
  try {
    return elfOf(data);
  } catch (e) {
    if (e instanceof ElfFormatError) return undefined;
    throw e;
  }
}

/** Reads fixed-width fields in the file's class and byte order, failing cleanly past the end. */
class Reader {
  constructor(
    readonly b: Buffer,
    readonly is64: boolean,
    readonly le: boolean,
  ) {}
  private check(at: number, n: number): void {
    if (at < 0 || at + n > this.b.length) throw new ElfFormatError(`header field at ${at} is past the end of the file`);
  }
  u16(at: number): number {
    this.check(at, 2);
    return this.le ? this.b.readUInt16LE(at) : this.b.readUInt16BE(at);
  }
  u32(at: number): number {
    this.check(at, 4);
    return this.le ? this.b.readUInt32LE(at) : this.b.readUInt32BE(at);
  }
  u64(at: number): number {
    this.check(at, 8);
    return toNumber(this.le ? this.b.readBigUInt64LE(at) : this.b.readBigUInt64BE(at));
  }
  /** An address or offset: 4 bytes in ELF32, 8 in ELF64. */
  addr(at: number): number {
    return this.is64 ? this.u64(at) : this.u32(at);
  }
}

/** Values beyond 2^53 cannot be file offsets or addresses we can read; map them to an unreachable number. */
function toNumber(v: bigint): number {
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

function readSegments(r: Reader, phoff: number, entsize: number, count: number): ElfSegment[] {
  if (phoff === 0 || count === 0) return [];
  if (entsize < (r.is64 ? 56 : 32) || count > MAX_HEADERS) throw new ElfFormatError("bad program header table");
  if (phoff + entsize * count > r.b.length) throw new ElfFormatError("program header table past end of file");
  const out: ElfSegment[] = [];
  for (let i = 0; i < count; i++) {
    const at = phoff + i * entsize;
    out.push(
      r.is64
        ? {
            type: r.u32(at),
            flags: r.u32(at + 4),
            offset: r.u64(at + 8),
            vaddr: r.u64(at + 16),
            filesz: r.u64(at + 32),
          }
        : {
            type: r.u32(at),
            offset: r.u32(at + 4),
            vaddr: r.u32(at + 8),
            filesz: r.u32(at + 16),
            flags: r.u32(at + 24),
          },
    );
  }
  return out;
}

function readSections(r: Reader, shoff: number, entsize: number, count: number, strndx: number): ElfSection[] {
  // Stripped or truncated section tables are common (sstrip, UPX): treat them as "no sections", not as an error.
  if (shoff === 0 || count === 0 || count > MAX_HEADERS) return [];
  if (entsize < (r.is64 ? 64 : 40) || shoff + entsize * count > r.b.length) return [];
  const raw: Array<ElfSection & { nameOff: number }> = [];
  for (let i = 0; i < count; i++) {
    const at = shoff + i * entsize;
    raw.push(
      r.is64
        ? {
            nameOff: r.u32(at),
            type: r.u32(at + 4),
            addr: r.u64(at + 16),
            offset: r.u64(at + 24),
            size: r.u64(at + 32),
            name: "",
          }
        : {
            nameOff: r.u32(at),
            type: r.u32(at + 4),
            addr: r.u32(at + 12),
            offset: r.u32(at + 16),
            size: r.u32(at + 20),
            name: "",
          },
    );
  }
  const strtab = raw[strndx];
  const names =
    strtab && strtab.type !== SHT_NOBITS && strtab.offset + strtab.size <= r.b.length
      ? r.b.subarray(strtab.offset, strtab.offset + strtab.size)
      : undefined;
  return raw.map(({ nameOff, ...s }) => ({ ...s, name: names ? cString(names, nameOff) : "" }));
}

function cString(b: Buffer, at: number): string {
  if (at >= b.length) return "";
  const end = b.indexOf(0, at);
  return b.toString("latin1", at, end < 0 ? b.length : end);
}
