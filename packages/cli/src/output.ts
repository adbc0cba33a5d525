import { writeFile } from "node:fs/promises";
import { writeFileAtomic } from "@rampart/engine";

/** Writes a report to FILE atomically (see writeFileAtomic), or to stdout when FILE is absent or "-". */
export async function writeOutput(text: string, file: string | undefined): Promise<void> {
  if (!file || file === "-") {
    await new Promise<void>((resolve, reject) => process.stdout.write(text, (e) => (e ? reject(e) : resolve())));
    return;
  }
  await writeFileAtomic(file, (path) => writeFile(path, text));
}
