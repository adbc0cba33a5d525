/**
 * Reads the records of a Berkeley DB hash database, the format of /var/lib/rpm/Packages up to RHEL 8,
 * CentOS 7 and Amazon Linux 2 (key: header number, value: header blob).
 *
 * Hand-written: there is no maintained Berkeley DB reader for Node, and only the read side of one page
 * format is needed. Layout (Berkeley DB 4.x/5.x, db_page.h): page 0 is the hash metadata page; every page
 * starts with a 26-byte header; hash pages carry an array of item offsets after it, items alternating key
 * and data; an item too big for the page is an "off-page" reference to a chain of overflow pages.
 * Integers are in the byte order of the machine that wrote the file; the magic number tells which.
 */
import { errorMessage } from "../parse.js";

const HASH_MAGIC = 0x061561;
const PAGE_HEADER = 26;

/** Page types (db_page.h). */
const P_HASH_UNSORTED = 2;
const P_OVERFLOW = 7;
const P_HASHMETA = 8;
const P_HASH = 13;

/** Hash item types. */
const H_KEYDATA = 1;
const H_OFFPAGE = 3;

/** Page header fields. */
const PG_NEXT = 16;
const PG_ENTRIES = 20;
const PG_HF_OFFSET = 22;
const PG_TYPE = 25;

/** Metadata page fields. */
const META_MAGIC = 12;
const META_PAGESIZE = 20;
const META_ENCRYPT = 24;
const META_FLAGS = 26;
const META_LAST_PGNO = 32;
const DBMETA_CHKSUM = 0x01;

export class BdbError extends Error {}

export interface BdbRecord {
  key: Buffer;
  value: Buffer;
}

/** Whether the content starts like a Berkeley DB hash database, in either byte order. */
export function isBerkeleyHash(content: Buffer): boolean {
  return (
    content.length >= 512 &&
    (content.readUInt32LE(META_MAGIC) === HASH_MAGIC || content.readUInt32BE(META_MAGIC) === HASH_MAGIC)
  );
}

/**
 * Every key/data pair of the database. Records that cannot be read are reported through `onBadRecord`
 * and skipped; a file that is not a readable hash database throws BdbError.
 */
export function readBdbHash(content: Buffer, onBadRecord: (message: string) => void): BdbRecord[] {
  if (!isBerkeleyHash(content)) throw new BdbError("not a Berkeley DB hash database");
  const le = content.readUInt32LE(META_MAGIC) === HASH_MAGIC;
  const u16 = (at: number) => (le ? content.readUInt16LE(at) : content.readUInt16BE(at));
  const u32 = (at: number) => (le ? content.readUInt32LE(at) : content.readUInt32BE(at));

  const pageSize = u32(META_PAGESIZE);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    throw new BdbError(`invalid page size ${pageSize}`);
  }
  if (content[PG_TYPE] !== P_HASHMETA) throw new BdbError(`page 0 is of type ${content[PG_TYPE]}, not hash metadata`);
  if (content[META_ENCRYPT] !== 0) throw new BdbError("encrypted Berkeley DB databases are not supported");
  // Checksummed databases put the checksum between page header and items; rpm never enables it.
  if (((content[META_FLAGS] ?? 0) & DBMETA_CHKSUM) !== 0) {
    throw new BdbError("checksummed Berkeley DB databases are not supported");
  }
  const pageCount = Math.min(u32(META_LAST_PGNO) + 1, Math.floor(content.length / pageSize));

  const overflow = (first: number, total: number): Buffer => {
    const out = Buffer.alloc(total);
    let written = 0;
    const seen = new Set<number>();
    for (let pg = first; written < total; ) {
      if (pg <= 0 || pg >= pageCount || seen.has(pg)) throw new BdbError(`broken overflow chain at page ${pg}`);
      seen.add(pg);
      const base = pg * pageSize;
      if (content[base + PG_TYPE] !== P_OVERFLOW) throw new BdbError(`page ${pg} is not an overflow page`);
      // On overflow pages the "free area offset" field holds the number of data bytes on the page.
      const len = u16(base + PG_HF_OFFSET);
      if (len > pageSize - PAGE_HEADER || written + len > total) throw new BdbError(`overflow page ${pg} overruns`);
      content.copy(out, written, base + PAGE_HEADER, base + PAGE_HEADER + len);
      written += len;
      pg = u32(base + PG_NEXT);
      if (written < total && pg === 0) throw new BdbError(`overflow chain ends after ${written} of ${total} bytes`);
    }
    return out;
  };

  const records: BdbRecord[] = [];
  for (let pg = 1; pg < pageCount; pg++) {
    const base = pg * pageSize;
    const type = content[base + PG_TYPE];
    if (type !== P_HASH && type !== P_HASH_UNSORTED) continue;
    const entries = u16(base + PG_ENTRIES);
    if (PAGE_HEADER + entries * 2 > pageSize) {
      onBadRecord(`hash page ${pg} claims ${entries} entries`);
      continue;
    }
    const offsetOf = (i: number) => u16(base + PAGE_HEADER + i * 2);
    // Items are packed from the end of the page down, so an item ends where the previous one starts.
    const item = (i: number): Buffer => {
      const start = offsetOf(i);
      const end = i === 0 ? pageSize : offsetOf(i - 1);
      if (start < PAGE_HEADER + entries * 2 || end > pageSize || start >= end) {
        throw new BdbError(`item ${i} of page ${pg} is out of bounds`);
      }
      const at = base + start;
      switch (content[at]) {
        case H_KEYDATA:
          return content.subarray(at + 1, base + end);
        case H_OFFPAGE:
          return overflow(u32(at + 4), u32(at + 8));
        default:
          throw new BdbError(`item ${i} of page ${pg} has unsupported type ${content[at]}`);
      }
    };
    for (let i = 0; i + 1 < entries; i += 2) {
      try {
        records.push({ key: item(i), value: item(i + 1) });
      } catch (e) {
        onBadRecord(errorMessage(e));
      }
    }
  }
  return records;
}
