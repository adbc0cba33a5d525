import { rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Writes FILE atomically: `write` fills a temp file in the same directory, which is then renamed over FILE,
 * so an interrupted run never leaves a half-written file where a pipeline expects a whole one. Only regular
 * files (or new paths) are replaced that way: a device, FIFO or socket (/dev/null, /dev/stdout, a named pipe)
 * is written in place — renaming over it would replace the device itself.
 */
export async function writeFileAtomic(file: string, write: (path: string) => Promise<void>): Promise<void> {
  const existing = await stat(file).catch(() => undefined);
  if (existing && !existing.isFile()) return write(file);
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    await write(tmp);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
