import { rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Writes a report to FILE atomically (temp file in the same directory, then rename), so an interrupted run
 * never leaves a half-written SBOM where a pipeline expects a whole one; or to stdout. Only regular files
 * (or new paths) are replaced that way: a device, FIFO or socket (/dev/null, /dev/stdout, a named pipe) is
 * written in place — renaming over it would replace the device itself.
 */
export async function writeOutput(text: string, file: string | undefined): Promise<void> {
  if (!file || file === "-") {
    await new Promise<void>((resolve, reject) => process.stdout.write(text, (e) => (e ? reject(e) : resolve())));
    return;
  }
  const existing = await stat(file).catch(() => undefined);
  if (existing && !existing.isFile()) {
    await writeFile(file, text);
    return;
  }
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
