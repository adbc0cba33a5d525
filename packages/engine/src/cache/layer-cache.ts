import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import type { LayerResult } from "../catalog/layer-result.js";

/**
 * Bump when cataloger output changes shape or content for the same bytes: every cached layer result made by
 * an older engine is then ignored (its file name no longer matches).
 */
export const CATALOG_CACHE_VERSION = "2";

/** Rampart's cache root: RAMPART_CACHE_DIR, else $XDG_CACHE_HOME/rampart, else ~/.cache/rampart. */
export function rampartCacheDir(): string {
  return (
    process.env.RAMPART_CACHE_DIR ??
    (process.env.XDG_CACHE_HOME ? join(process.env.XDG_CACHE_HOME, "rampart") : join(homedir(), ".cache", "rampart"))
  );
}

export function defaultCacheDir(): string {
  return join(rampartCacheDir(), "layers");
}

/**
 * Per-layer catalog results on disk, keyed by the layer's diffID: a layer already cataloged (in this image
 * or any other sharing it) is never read again. Writes are atomic (temp file + rename), so a crash leaves
 * either the old entry or none; an unreadable entry is a miss, never an error.
 */
export class LayerCache {
  constructor(readonly dir: string = defaultCacheDir()) {}

  private file(diffId: string): string | undefined {
    const m = /^sha256:([a-f0-9]{64})$/.exec(diffId);
    return m ? join(this.dir, `${m[1]}.v${CATALOG_CACHE_VERSION}.json`) : undefined;
  }

  async get(diffId: string): Promise<LayerResult | undefined> {
    const f = this.file(diffId);
    if (!f) return undefined;
    try {
      const r = JSON.parse(await readFile(f, "utf8")) as LayerResult & { diffId?: string };
      return r.diffId === diffId ? r : undefined;
    } catch {
      return undefined;
    }
  }

  async put(diffId: string, result: LayerResult): Promise<void> {
    const f = this.file(diffId);
    if (!f) return;
    await mkdir(this.dir, { recursive: true });
    const tmp = `${f}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, JSON.stringify({ ...result, diffId }));
    await rename(tmp, f);
  }
}
