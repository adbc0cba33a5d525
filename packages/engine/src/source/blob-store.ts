import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { SourceError } from "./entry.js";
import { normalizeInRoot } from "./path.js";
import { indexTar, type TarMember } from "./tar-index.js";

/** Read access to the files of an image archive: a directory (OCI layout) or an uncompressed tar. */
export interface BlobStore {
  readonly label: string;
  size(name: string): Promise<number | undefined>;
  readBytes(name: string, limit: number): Promise<Buffer>;
  open(name: string): Readable;
}

const JSON_LIMIT = 16 * 1024 * 1024;

export async function readJson<T>(store: BlobStore, name: string): Promise<T> {
  const bytes = await store.readBytes(name, JSON_LIMIT);
  try {
    return JSON.parse(bytes.toString("utf8")) as T;
  } catch (e) {
    throw new SourceError(`${store.label}: ${name} is not valid JSON: ${(e as Error).message}`);
  }
}

export const sha256 = (b: Buffer): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;

/** The file name of a blob in an OCI layout; rejects digests that are not plain hex (path injection). */
export function blobPath(digest: string): string {
  const m = /^(sha256|sha512):([a-f0-9]{64,128})$/.exec(digest);
  if (!m) throw new SourceError(`invalid blob digest ${JSON.stringify(digest)}`);
  return `blobs/${m[1]}/${m[2]}`;
}

function clean(store: string, name: string): string {
  const n = normalizeInRoot(name);
  if (n === undefined || n === "/")
    throw new SourceError(`${store}: member name ${JSON.stringify(name)} leaves the archive`);
  return n.slice(1);
}

export class TarBlobStore implements BlobStore {
  private constructor(
    private readonly path: string,
    private readonly members: Map<string, TarMember>,
  ) {}

  static async open(path: string): Promise<TarBlobStore> {
    return new TarBlobStore(path, await indexTar(path));
  }

  get label(): string {
    return this.path;
  }

  has(name: string): boolean {
    return this.members.has(clean(this.path, name));
  }

  private member(name: string): TarMember {
    const m = this.members.get(clean(this.path, name));
    if (!m) throw new SourceError(`${this.path}: the archive has no ${name} (manifest names a missing blob?)`);
    return m;
  }

  async size(name: string): Promise<number | undefined> {
    return this.members.get(clean(this.path, name))?.size;
  }

  async readBytes(name: string, limit: number): Promise<Buffer> {
    const m = this.member(name);
    if (m.size > limit) throw new SourceError(`${this.path}: ${name} is ${m.size} bytes, over the ${limit}-byte limit`);
    if (m.size === 0) return Buffer.alloc(0);
    const chunks: Buffer[] = [];
    for await (const c of createReadStream(this.path, { start: m.offset, end: m.offset + m.size - 1 }))
      chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  open(name: string): Readable {
    const m = this.member(name);
    return createReadStream(this.path, {
      start: m.offset,
      end: m.offset + Math.max(m.size, 1) - 1,
      highWaterMark: 1024 * 1024,
    });
  }
}

export class DirBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  get label(): string {
    return this.root;
  }

  /** Only regular files inside the root: a symlinked blob could point anywhere on the host. */
  private async file(name: string): Promise<{ path: string; size: number } | undefined> {
    const path = join(this.root, clean(this.root, name));
    try {
      const st = await lstat(path);
      return st.isFile() ? { path, size: st.size } : undefined;
    } catch {
      return undefined;
    }
  }

  async size(name: string): Promise<number | undefined> {
    return (await this.file(name))?.size;
  }

  async readBytes(name: string, limit: number): Promise<Buffer> {
    const f = await this.file(name);
    if (!f) throw new SourceError(`${this.root}: ${name} is missing (manifest names a missing blob?)`);
    if (f.size > limit) throw new SourceError(`${this.root}: ${name} is ${f.size} bytes, over the ${limit}-byte limit`);
    return readFile(f.path);
  }

  open(name: string): Readable {
    return createReadStream(join(this.root, clean(this.root, name)), { highWaterMark: 1024 * 1024 });
  }
}
