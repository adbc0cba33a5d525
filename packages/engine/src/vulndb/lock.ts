import { open, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { DbError } from "./errors.js";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * One writer per DB directory. The lock file holds the writer's pid; a lock left by a process that died
 * (killed mid-update) is taken over, so a crash never wedges updates.
 */
export async function acquireUpdateLock(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, "update.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(path, "wx");
      await fh.writeFile(String(process.pid));
      await fh.close();
      return () => rm(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number((await readFile(path, "utf8").catch(() => "")).trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid))
        throw new DbError(`another \`rampart db update\` (pid ${pid}) is writing ${dir}`);
      await rm(path, { force: true });
    }
  }
  throw new DbError(`cannot lock ${dir} for update`);
}
