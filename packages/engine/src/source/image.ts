import type { BlobStore } from "./blob-store.js";
import { sha256 } from "./blob-store.js";
import { SourceError } from "./entry.js";
import type { ImageConfig, ImageSource, Layer } from "./source.js";

const CONFIG_LIMIT = 16 * 1024 * 1024;

export function parseConfig(label: string, bytes: Buffer): ImageConfig {
  let config: ImageConfig;
  try {
    config = JSON.parse(bytes.toString("utf8")) as ImageConfig;
  } catch (e) {
    throw new SourceError(`${label}: image config is not valid JSON: ${(e as Error).message}`);
  }
  if (!config || typeof config !== "object" || !Array.isArray(config.rootfs?.diff_ids))
    throw new SourceError(`${label}: image config has no rootfs.diff_ids`);
  return config;
}

/** The history lines that made filesystem layers, in layer order (empty_layer entries made none). */
export function layerHistory(config: ImageConfig): Array<string | undefined> {
  return (config.history ?? []).filter((h) => !h.empty_layer).map((h) => h.created_by);
}

export interface StoredLayer {
  /** Member name in the store. */
  name: string;
  /** Blob digest when the manifest gives one. */
  digest?: string;
  mediaType?: string;
}

/**
 * Assembles an ImageSource from a blob store: checks that every layer the manifest names is there and that
 * the manifest and config agree on the layer count, before any layer is read.
 */
export async function imageFromStore(args: {
  store: BlobStore;
  name: string;
  transport: string;
  tags: string[];
  manifestDigest?: string;
  configName: string;
  configDigest?: string;
  layers: StoredLayer[];
  close?: () => Promise<void>;
}): Promise<ImageSource> {
  const { store } = args;
  const configBytes = await store.readBytes(args.configName, CONFIG_LIMIT);
  const configDigest = sha256(configBytes);
  if (args.configDigest && args.configDigest !== configDigest)
    throw new SourceError(
      `${store.label}: config blob digest ${configDigest} does not match the manifest's ${args.configDigest}`,
    );
  const config = parseConfig(store.label, configBytes);
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== args.layers.length)
    throw new SourceError(
      `${store.label}: manifest lists ${args.layers.length} layers but the config has ${diffIds.length} diff_ids`,
    );
  const history = layerHistory(config);
  const layers: Layer[] = [];
  for (const [i, l] of args.layers.entries()) {
    const size = await store.size(l.name);
    if (size === undefined)
      throw new SourceError(`${store.label}: manifest names layer ${l.name}, which is missing from the image`);
    const diffId = diffIds[i] as string;
    const createdBy = history[i];
    layers.push({
      diffId,
      digest: l.digest ?? diffId,
      size,
      ...(l.mediaType ? { mediaType: l.mediaType } : {}),
      ...(createdBy ? { createdBy } : {}),
      open: async () => store.open(l.name),
    });
  }
  let closed = false;
  return {
    kind: "image",
    name: args.name,
    transport: args.transport,
    tags: args.tags,
    ...(args.manifestDigest ? { manifestDigest: args.manifestDigest } : {}),
    configDigest,
    config,
    layers,
    close: async () => {
      if (closed) return;
      closed = true;
      await args.close?.();
    },
  };
}
