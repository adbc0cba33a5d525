import { resolveInRoot } from "@rampart/engine";
import { readText } from "./proc-fs.js";

export { resolveInRoot };

/** The text of a file of the host's filesystem (under `hostRoot`), or undefined when it cannot be read. */
export async function readHostFile(hostRoot: string, path: string): Promise<string | undefined> {
  const resolved = await resolveInRoot(hostRoot, path);
  return resolved === undefined ? undefined : readText(resolved);
}
