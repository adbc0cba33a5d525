import { open, rename } from "node:fs/promises";
import { dirname } from "node:path";

/** Moves a finished DB file over the live one in one rename, with both the file and the directory synced. */
export async function installAtomically(tmpPath: string, finalPath: string): Promise<void> {
  const fh = await open(tmpPath, "r+");
  await fh.sync();
  await fh.close();
  await rename(tmpPath, finalPath);
  const dir = await open(dirname(finalPath), "r");
  await dir.sync().catch(() => undefined);
  await dir.close();
}
