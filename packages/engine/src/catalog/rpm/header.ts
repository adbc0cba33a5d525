/**
 * Reads the RPM header blobs that every rpmdb backend stores, one per installed package.
 *
 * Hand-written: the layout is small and fixed (rpm's lib/header.c), and the one npm package that reads
 * rpm databases (@snyk/rpm-parser) drops the LICENSE tag and brings a second SQLite engine (sql.js)
 * next to the better-sqlite3 Rampart already uses.
 *
 * Blob layout, all integers big-endian:
 *   int32 il (index entries), int32 dl (data bytes),
 *   il × { int32 tag, int32 type, int32 offset (into the data store), int32 count },
 *   dl bytes of data store.
 */

export const RpmTag = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  LICENSE: 1014,
  ARCH: 1022,
  SOURCERPM: 1044,
  MODULARITYLABEL: 5096,
} as const;

const TYPE_INT32 = 4;
const TYPE_STRING = 6;
const TYPE_STRING_ARRAY = 8;
const TYPE_I18NSTRING = 9;

/** rpm's own sanity limits (HEADER_TAGS_MAX, HEADER_DATA_MAX). */
const MAX_ENTRIES = 0xffff;
const MAX_DATA = 256 * 1024 * 1024;
const ENTRY_SIZE = 16;

export class RpmHeaderError extends Error {}

/** The tags of one header that the catalogers use: strings and int32 lists, by tag number. */
export class RpmHeader {
  private constructor(
    private readonly strings: Map<number, string>,
    private readonly ints: Map<number, number[]>,
  ) {}

  string(tag: number): string | undefined {
    return this.strings.get(tag);
  }

  int32(tag: number): number | undefined {
    return this.ints.get(tag)?.[0];
  }

  /** Parses a header blob, keeping the string and int32 values of `wanted` tags. Throws RpmHeaderError. */
  static parse(blob: Uint8Array, wanted: ReadonlySet<number> = ALL_WANTED): RpmHeader {
    const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    if (blob.byteLength < 8) throw new RpmHeaderError(`header blob of ${blob.byteLength} bytes is too short`);
    const il = view.getUint32(0);
    const dl = view.getUint32(4);
    if (il < 1 || il > MAX_ENTRIES || dl > MAX_DATA)
      throw new RpmHeaderError(`implausible header sizes il=${il} dl=${dl}`);
    const dataStart = 8 + il * ENTRY_SIZE;
    if (dataStart + dl > blob.byteLength) {
      throw new RpmHeaderError(`header says ${dataStart + dl} bytes but the blob has ${blob.byteLength}`);
    }
    const data = blob.subarray(dataStart, dataStart + dl);
    const strings = new Map<number, string>();
    const ints = new Map<number, number[]>();
    for (let i = 0; i < il; i++) {
      const at = 8 + i * ENTRY_SIZE;
      const tag = view.getUint32(at);
      if (!wanted.has(tag)) continue;
      const type = view.getUint32(at + 4);
      const offset = view.getUint32(at + 8);
      const count = view.getUint32(at + 12);
      if (offset >= dl) throw new RpmHeaderError(`tag ${tag} points past the data store`);
      switch (type) {
        case TYPE_STRING:
        case TYPE_STRING_ARRAY:
        case TYPE_I18NSTRING:
          // Arrays and i18n tables: the first string is the value (the C locale for I18NSTRING).
          strings.set(tag, cString(data, offset, tag));
          break;
        case TYPE_INT32: {
          if (count === 0 || offset + count * 4 > dl) throw new RpmHeaderError(`tag ${tag} int32 array overruns data`);
          const dv = new DataView(data.buffer, data.byteOffset + offset, count * 4);
          const values = Array.from({ length: count }, (_, k) => dv.getUint32(k * 4));
          ints.set(tag, values);
          break;
        }
        default:
          break;
      }
    }
    return new RpmHeader(strings, ints);
  }
}

const ALL_WANTED: ReadonlySet<number> = new Set(Object.values(RpmTag));

const utf8 = new TextDecoder("utf-8");

function cString(data: Uint8Array, offset: number, tag: number): string {
  const end = data.indexOf(0, offset);
  if (end < 0) throw new RpmHeaderError(`tag ${tag} string is not terminated`);
  return utf8.decode(data.subarray(offset, end));
}
