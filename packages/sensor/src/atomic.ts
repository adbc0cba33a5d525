import { renameSync, writeFileSync } from "node:fs";

/** Writes a file whole or not at all (temp name, flushed, renamed): a crash never leaves half of it. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600, flush: true });
  renameSync(tmp, path);
}
