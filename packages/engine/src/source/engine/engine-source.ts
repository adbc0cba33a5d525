import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDockerArchive } from "../docker-archive.js";
import type { ImageSource, SourceOptions } from "../source.js";
import { EngineApi } from "./api.js";
import { type EngineKind, engineSocket } from "./socket.js";

/**
 * Opens an image held by a local Docker or Podman engine (`docker://NAME`, `podman://NAME`) through the
 * engine API socket: checks the image exists, exports it (`docker save`'s format) to a temp file, and
 * reads that file as a docker-archive. The temp file keeps the scan to one pass over the export with
 * bounded memory (the archive's layers are read by offset); close() deletes it.
 */
export async function openEngineImage(
  engine: EngineKind,
  name: string,
  opts: SourceOptions = {},
): Promise<ImageSource> {
  const api = new EngineApi(engine, engineSocket(engine, opts.engineSocket));
  await api.inspect(name);
  const dir = await mkdtemp(join(opts.tmpDir ?? tmpdir(), `rampart-${engine}-`));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const file = join(dir, "image.tar");
    await api.exportTo(name, file);
    const image = await openDockerArchive(file, { ...opts, name });
    let closed = false;
    return {
      kind: "image",
      name,
      transport: `${engine}-engine`,
      tags: image.tags,
      ...(image.manifestDigest ? { manifestDigest: image.manifestDigest } : {}),
      configDigest: image.configDigest,
      config: image.config,
      layers: image.layers,
      close: async () => {
        if (closed) return;
        closed = true;
        try {
          await image.close();
        } finally {
          await cleanup();
        }
      },
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
