import { readJson, TarBlobStore } from "./blob-store.js";
import { SourceError } from "./entry.js";
import { imageFromStore } from "./image.js";
import type { ImageSource, SourceOptions } from "./source.js";

interface ManifestEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

/**
 * `docker save` archives: manifest.json names the config and one tar per layer (legacy `<id>/layer.tar`
 * or, since Docker 25, `blobs/sha256/<hex>`; layers may be gzip or zstd compressed inside).
 * `tag` picks one image when the archive holds several.
 */
export async function openDockerArchive(
  path: string,
  opts: SourceOptions & { name?: string; tag?: string } = {},
): Promise<ImageSource> {
  return dockerArchiveFromStore(await TarBlobStore.open(path), opts);
}

/** The same, from an archive already indexed. */
export async function dockerArchiveFromStore(
  store: TarBlobStore,
  opts: SourceOptions & { name?: string; tag?: string } = {},
): Promise<ImageSource> {
  const path = store.label;
  if (!store.has("manifest.json")) throw new SourceError(`${path}: not a docker-archive (no manifest.json)`);
  const manifest = await readJson<ManifestEntry[]>(store, "manifest.json");
  if (!Array.isArray(manifest) || manifest.length === 0)
    throw new SourceError(`${path}: manifest.json lists no images`);
  let entry = manifest[0] as ManifestEntry;
  if (opts.tag) {
    const found = manifest.find((m) => m.RepoTags?.includes(opts.tag as string));
    if (!found)
      throw new SourceError(
        `${path}: no image tagged ${opts.tag}; the archive has ${manifest.flatMap((m) => m.RepoTags ?? []).join(", ") || "untagged images"}`,
      );
    entry = found;
  } else if (manifest.length > 1) {
    throw new SourceError(
      `${path}: holds ${manifest.length} images; name one: ${manifest.flatMap((m) => m.RepoTags ?? []).join(", ")}`,
    );
  }
  if (typeof entry.Config !== "string" || !Array.isArray(entry.Layers))
    throw new SourceError(`${path}: manifest.json entry lacks Config or Layers`);
  return imageFromStore({
    store,
    name: opts.name ?? path,
    transport: "docker-archive",
    tags: entry.RepoTags ?? [],
    configName: entry.Config,
    layers: entry.Layers.map((name) => {
      const m = /^blobs\/(sha256)\/([a-f0-9]{64})$/.exec(name);
      return m ? { name, digest: `${m[1]}:${m[2]}` } : { name };
    }),
  });
}
