import { createHash } from "node:crypto";
import { posix } from "node:path";
import { pipeline, type Readable, Transform } from "node:stream";
import type * as TarStream from "tar-stream";
import { lazy } from "../lazy.js";
import { ChunkReader } from "./chunks.js";
import { decompressor, detectCompression, peekStream } from "./decompress.js";
import { type EntryKind, type FileEntry, SourceError } from "./entry.js";
import { normalizeInRoot } from "./path.js";

export interface WalkTarOptions {
  /** How the layer is named in errors and warnings ("layer sha256:ab12…"). */
  label: string;
  /** When given, the sha256 of the uncompressed tar must equal it (an image's diffID). */
  expectDiffId?: string;
  /** Stop with an error past this many uncompressed bytes (decompression bombs). */
  maxUncompressedBytes?: number;
  warn(message: string): void;
}

export const DEFAULT_MAX_UNCOMPRESSED = 64 * 1024 ** 3;

/** Only a scan that reads a layer needs the tar parser: a fully cached rescan never loads it. */
const tarStream = lazy<typeof TarStream>("tar-stream");

const WHITEOUT_PREFIX = ".wh.";
const OPAQUE_MARKER = ".wh..wh..opq";

function kindOf(type: TarStream.Header["type"]): EntryKind {
  switch (type) {
    case "file":
    case "contiguous-file":
      return "file";
    case "directory":
      return "dir";
    case "symlink":
      return "symlink";
    case "link":
      return "hardlink";
    default:
      return "other";
  }
}

/** Counts (and optionally hashes) the uncompressed bytes as they flow into the tar parser. */
class Meter extends Transform {
  bytes = 0;
  readonly hash;
  constructor(
    hashIt: boolean,
    private readonly max: number,
    private readonly label: string,
  ) {
    super();
    this.hash = hashIt ? createHash("sha256") : undefined;
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null, d?: Buffer) => void) {
    this.bytes += chunk.length;
    if (this.bytes > this.max) {
      cb(new SourceError(`${this.label}: decompresses to more than ${this.max} bytes; refusing (decompression bomb?)`));
      return;
    }
    this.hash?.update(chunk);
    cb(null, chunk);
  }
}

/**
 * Streams a layer tar (gzip, zstd or plain, detected from its magic bytes) as FileEntry values, one pass,
 * nothing written to disk. Whiteouts and opaque markers become entries of their own kinds; members whose
 * names climb out of the root are skipped with a warning. Each entry must be handled before the next is
 * requested; whatever the consumer does not read is drained.
 */
export async function* walkTar(input: Readable, opts: WalkTarOptions): AsyncGenerator<FileEntry> {
  const head = await peekStream(input, 4);
  const kind = detectCompression(head);
  const meter = new Meter(
    opts.expectDiffId !== undefined,
    opts.maxUncompressedBytes ?? DEFAULT_MAX_UNCOMPRESSED,
    opts.label,
  );
  const extract = tarStream().extract();
  const decomp = decompressor(kind);
  const stages: NodeJS.ReadWriteStream[] = decomp ? [decomp, meter] : [meter];
  let failure: Error | undefined;
  pipeline(input, ...(stages as [Transform]), extract as unknown as NodeJS.WritableStream, (err) => {
    if (err) failure = err;
  });
  try {
    for await (const member of extract) {
      const h = member.header;
      const reader = new ChunkReader(member as unknown as Readable, h.name, h.size ?? 0, (e) =>
        wrapTarError(e, kind, opts.label),
      );
      const entry = toEntry(h, reader, opts);
      if (entry) yield entry;
      await reader.drain();
    }
  } catch (e) {
    throw wrapTarError(e, kind, opts.label);
  }
  if (failure) throw wrapTarError(failure, kind, opts.label);
  if (opts.expectDiffId && meter.hash) {
    const got = `sha256:${meter.hash.digest("hex")}`;
    if (got !== opts.expectDiffId)
      throw new SourceError(
        `${opts.label}: content digest ${got} does not match the image's diffID ${opts.expectDiffId}`,
      );
  }
}

function wrapTarError(e: unknown, kind: string, label: string): Error {
  if (e instanceof SourceError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new SourceError(
    `${label}: cannot read ${kind === "none" ? "" : `${kind} `}tar: ${msg} (truncated or corrupt?)`,
    {
      cause: e,
    },
  );
}

function toEntry(h: TarStream.Header, reader: ChunkReader, opts: WalkTarOptions): FileEntry | undefined {
  const path = normalizeInRoot(h.name);
  if (path === undefined) {
    opts.warn(`${opts.label}: skipped member ${JSON.stringify(h.name)}: path leaves the root`);
    return undefined;
  }
  let kind = kindOf(h.type);
  let entryPath = path;
  const base = posix.basename(path);
  if (base.startsWith(WHITEOUT_PREFIX)) {
    const dir = posix.dirname(path);
    if (base === OPAQUE_MARKER) kind = "opaque";
    else kind = "whiteout";
    entryPath = base === OPAQUE_MARKER ? dir : posix.join(dir, base.slice(WHITEOUT_PREFIX.length));
  }
  let linkTarget: string | undefined;
  if (kind === "symlink") linkTarget = h.linkname ?? "";
  if (kind === "hardlink") {
    linkTarget = normalizeInRoot(h.linkname ?? "");
    if (linkTarget === undefined) {
      opts.warn(`${opts.label}: skipped hard link ${path}: its target leaves the root`);
      return undefined;
    }
  }
  const size = kind === "file" ? (h.size ?? 0) : 0;
  return {
    path: entryPath,
    kind,
    size,
    mode: h.mode ?? 0,
    ...(linkTarget !== undefined ? { linkTarget } : {}),
    peek: (n) => reader.peek(n),
    read: (limit) => reader.read(limit),
  };
}
