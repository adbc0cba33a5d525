import { stat } from "node:fs/promises";
import { type BlobStore, blobPath, DirBlobStore, readJson, sha256, TarBlobStore } from "./blob-store.js";
import { SourceError } from "./entry.js";
import { imageFromStore } from "./image.js";
import { checkManifest, type Descriptor, type ImageIndex, isIndex, selectPlatform } from "./manifest.js";
import { hostPlatform, parsePlatform } from "./platform.js";
import type { ImageSource, SourceOptions } from "./source.js";

const REF_NAME = "org.opencontainers.image.ref.name";
const CONTAINERD_NAME = "io.containerd.image.name";

const refOf = (d: Descriptor) => d.annotations?.[REF_NAME] ?? d.annotations?.[CONTAINERD_NAME];

/** Picks the index entry the user named (by tag), or the only one. */
function pickTop(index: ImageIndex, ref: string | undefined, label: string): Descriptor {
  const all = index.manifests ?? [];
  if (all.length === 0) throw new SourceError(`${label}: index.json lists no images`);
  if (ref) {
    const hit = all.find((d) => refOf(d) === ref || refOf(d)?.endsWith(`:${ref}`) || d.digest === ref);
    if (!hit)
      throw new SourceError(
        `${label}: no image named ${ref}; the layout has ${all.map(refOf).filter(Boolean).join(", ") || "only unnamed images"}`,
      );
    return hit;
  }
  if (all.length > 1 && new Set(all.map(refOf)).size > 1)
    throw new SourceError(
      `${label}: holds ${all.length} images; name one with ${label}:<tag> (${all.map(refOf).filter(Boolean).join(", ")})`,
    );
  return all[0] as Descriptor;
}

async function readBlobJson(store: BlobStore, d: Descriptor): Promise<{ doc: unknown; digest: string }> {
  const bytes = await store.readBytes(blobPath(d.digest), 16 * 1024 * 1024);
  const digest = sha256(bytes);
  if (d.digest.startsWith("sha256:") && digest !== d.digest)
    throw new SourceError(`${store.label}: blob ${d.digest} has digest ${digest}: corrupt layout`);
  try {
    return { doc: JSON.parse(bytes.toString("utf8")), digest };
  } catch (e) {
    throw new SourceError(`${store.label}: blob ${d.digest} is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * An OCI image layout, as a directory or as a tar (oci-archive). `ref` is the tag in index.json
 * (org.opencontainers.image.ref.name); multi-platform indexes resolve with opts.platform (default: host).
 */
export async function openOciLayout(
  path: string,
  opts: SourceOptions & { ref?: string; name?: string } = {},
): Promise<ImageSource> {
  const isDir = (await stat(path).catch(() => undefined))?.isDirectory();
  return ociFromStore(
    isDir ? new DirBlobStore(path) : await TarBlobStore.open(path),
    isDir ? "oci-layout" : "oci-archive",
    opts,
  );
}

/** The same, from a layout already opened (a directory, or an archive already indexed). */
export async function ociFromStore(
  store: BlobStore,
  transport: "oci-layout" | "oci-archive",
  opts: SourceOptions & { ref?: string; name?: string } = {},
): Promise<ImageSource> {
  const path = store.label;
  if ((await store.size("oci-layout")) === undefined)
    throw new SourceError(`${path}: not an OCI image layout (no oci-layout file)`);
  const index = await readJson<ImageIndex>(store, "index.json");
  let desc = pickTop(index, opts.ref, path);
  const wanted = opts.platform ? parsePlatform(opts.platform) : hostPlatform();
  let { doc, digest } = await readBlobJson(store, desc);
  for (let depth = 0; isIndex(doc as ImageIndex); depth++) {
    if (depth > 4) throw new SourceError(`${path}: nested indexes deeper than 4`);
    desc = selectPlatform(doc as ImageIndex, wanted, path);
    ({ doc, digest } = await readBlobJson(store, desc));
  }
  const manifest = checkManifest(doc, path);
  const tag = refOf(desc) ?? opts.ref;
  return imageFromStore({
    store,
    name: opts.name ?? path,
    transport,
    tags: tag ? [tag] : [],
    manifestDigest: digest,
    configName: blobPath(manifest.config.digest),
    configDigest: manifest.config.digest,
    layers: manifest.layers.map((l) => ({
      name: blobPath(l.digest),
      digest: l.digest,
      ...(l.mediaType ? { mediaType: l.mediaType } : {}),
    })),
  });
}
