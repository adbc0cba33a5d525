/**
 * A scanner that reads file contents during the one pass, beside the catalogers: secrets, malware.
 * The pass asks `wants` from the entry's header alone, reads the bytes once for everyone who wants them, and
 * hands them over; the scanner keeps its own findings (with the layer) until the caller collects them.
 */
export interface FileScanner {
  readonly name: string;
  /** Files larger than this are never read for this scanner. */
  readonly maxFileBytes: number;
  /** Cheap decision before reading: path excludes, size, binary extensions. */
  wants(path: string, size: number): boolean;
  /**
   * Scans one file. The scanner may take `content` over (transfer it to a worker): the pass passes each
   * scanner its own buffer and does not touch it afterwards. Resolves when the file is done.
   */
  scan(path: string, content: Buffer, layer?: string): Promise<void>;
}

/** How many files may be in flight to scanners at once: enough to keep a worker pool busy, bounded in memory. */
export const MAX_IN_FLIGHT = 64;
/**
 * And how many bytes: 64 files of the malware scanner's 64 MB limit would be 4 GB. Past this, the pass waits
 * for scanners to finish before reading more (one file is always let through, whatever its size).
 */
export const MAX_BYTES_IN_FLIGHT = 256 * 1024 * 1024;
