/**
 * One entry of a file view: a layer tar member, or a file met while walking a directory.
 * Sources produce entries in one pass; catalogers never see how the bytes are stored.
 */
export type EntryKind =
  | "file"
  | "dir"
  | "symlink"
  /** A hard link to another path of the same layer (tar) — `linkTarget` is that path. */
  | "hardlink"
  /** An OCI/AUFS whiteout: `path` was deleted by this layer. */
  | "whiteout"
  /** An opaque-directory marker: everything under `path` from lower layers is hidden. */
  | "opaque"
  /** Devices, fifos, sockets: never read. */
  | "other";

export interface FileEntry {
  /** Normalized absolute path inside the root ("/etc/os-release"); never contains "." or ".." segments. */
  readonly path: string;
  readonly kind: EntryKind;
  /** Size of the content in bytes (regular files); 0 otherwise. */
  readonly size: number;
  /** Permission bits and file type bits as stored (tar mode / stat mode). */
  readonly mode: number;
  /** Symlink target as written, or the normalized path a hard link points at. */
  readonly linkTarget?: string;
  /**
   * Reads the first `n` bytes without consuming the content: a later read() still returns everything.
   * Only for regular files.
   */
  peek(n: number): Promise<Buffer>;
  /**
   * Reads the whole content. Only for regular files, and at most once. Rejects with EntryTooLargeError
   * (without buffering) when the file is larger than `limit`.
   */
  read(limit: number): Promise<Buffer>;
}

export class EntryTooLargeError extends Error {
  constructor(
    readonly path: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(`${path}: ${size} bytes is over the ${limit}-byte limit; skipped`);
    this.name = "EntryTooLargeError";
  }
}

/** The bad-input error every source throws: the message says what is wrong and with which input. */
export class SourceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SourceError";
  }
}
