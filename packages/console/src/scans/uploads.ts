import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";

/** An upload larger than the console accepts. */
export class UploadTooLargeError extends Error {
  override name = "UploadTooLargeError";
  constructor(readonly limit: number) {
    super(`upload larger than the ${limit}-byte limit`);
  }
}

/** Where uploaded scan inputs wait for their scan: <data dir>/uploads. */
export const uploadsDir = (dataDir: string) => join(dataDir, "uploads");

/**
 * Writes an upload to `<dir>/<name>`: streamed to a temp file in the same directory, counted against the
 * limit as it arrives (never trusting a declared length), then renamed into place, so a crash or an aborted
 * upload never leaves a file that looks whole. Returns the bytes written.
 */
export async function saveUpload(input: Readable, dir: string, name: string, limit: number): Promise<number> {
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${name}.${randomUUID()}.part`);
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > limit) done(new UploadTooLargeError(limit));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(input, counter, createWriteStream(tmp, { flags: "wx" }));
    await rename(tmp, join(dir, name));
  } catch (e) {
    // pipeline has destroyed the input too: the rest of a refused body is never read.
    await rm(tmp, { force: true });
    throw e;
  }
  return bytes;
}
