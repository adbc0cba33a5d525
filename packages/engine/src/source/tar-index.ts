import { type FileHandle, open } from "node:fs/promises";
import { SourceError } from "./entry.js";
import { normalizeInRoot } from "./path.js";

/** Where one member's bytes sit inside an uncompressed tar file. */
export interface TarMember {
  offset: number;
  size: number;
}

const BLOCK = 512;

function octal(buf: Buffer, start: number, len: number): number {
  // GNU base-256 for sizes over 8 GiB: high bit of the first byte set.
  if ((buf[start] as number) & 0x80) {
    let n = 0;
    for (let i = start + 1; i < start + len; i++) n = n * 256 + (buf[i] as number);
    return n;
  }
  const text = buf
    .toString("latin1", start, start + len)
    .replace(/\0.*$/s, "")
    .trim();
  return text ? Number.parseInt(text, 8) : 0;
}

function cstring(buf: Buffer, start: number, len: number): string {
  const end = buf.indexOf(0, start);
  return buf.toString("utf8", start, end === -1 || end > start + len ? start + len : end);
}

function paxRecords(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    if (space === -1) break;
    const len = Number.parseInt(data.toString("latin1", i, space), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const record = data.toString("utf8", space + 1, i + len - 1);
    const eq = record.indexOf("=");
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    i += len;
  }
  return out;
}

/**
 * Lists the regular files of an uncompressed tar by reading only its headers and seeking over contents.
 * Used for image archives (docker save, OCI archive), whose layers are then read straight from their
 * offsets — so a layer already in the cache is never read at all.
 * Hand-written because tar-stream and node-tar can only stream past contents, not seek over them.
 */
export async function indexTar(path: string): Promise<Map<string, TarMember>> {
  let fh: FileHandle;
  try {
    fh = await open(path, "r");
  } catch (e) {
    throw new SourceError(`${path}: cannot open: ${(e as Error).message}`);
  }
  try {
    const { size: fileSize } = await fh.stat();
    const members = new Map<string, TarMember>();
    const header = Buffer.alloc(BLOCK);
    let pos = 0;
    let longName: string | undefined;
    let pax: Map<string, string> | undefined;
    while (pos + BLOCK <= fileSize) {
      const { bytesRead } = await fh.read(header, 0, BLOCK, pos);
      if (bytesRead < BLOCK) break;
      if (header.every((b) => b === 0)) return members;
      const checksum = octal(header, 148, 8);
      let sum = 8 * 0x20;
      for (let i = 0; i < BLOCK; i++) if (i < 148 || i >= 156) sum += header[i] as number;
      if (checksum !== sum)
        throw new SourceError(`${path}: not a tar archive, or corrupt at byte ${pos} (bad header checksum)`);
      const type = String.fromCharCode(header[156] as number) || "0";
      let size = octal(header, 124, 12);
      if (pax?.has("size")) size = Number(pax.get("size"));
      const dataStart = pos + BLOCK;
      const next = dataStart + Math.ceil(size / BLOCK) * BLOCK;
      if (dataStart + size > fileSize)
        throw new SourceError(`${path}: truncated tar (member at byte ${pos} runs past the end)`);
      if (type === "x" || type === "L") {
        const data = Buffer.alloc(size);
        await fh.read(data, 0, size, dataStart);
        if (type === "x") pax = paxRecords(data);
        else longName = cstring(data, 0, size);
        pos = next;
        continue;
      }
      const prefix = header.toString("latin1", 257, 262) === "ustar" ? cstring(header, 345, 155) : "";
      const rawName =
        pax?.get("path") ?? longName ?? (prefix ? `${prefix}/${cstring(header, 0, 100)}` : cstring(header, 0, 100));
      longName = undefined;
      pax = undefined;
      if (type === "0" || type === "\0" || type === "7") {
        const name = normalizeInRoot(rawName);
        if (name !== undefined) members.set(name.slice(1), { offset: dataStart, size });
      }
      pos = next;
    }
    if (members.size === 0) throw new SourceError(`${path}: empty or truncated tar archive`);
    return members;
  } finally {
    await fh.close();
  }
}
