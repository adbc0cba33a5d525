import { PassThrough } from "node:stream";
import { LayerCache } from "../cache/layer-cache.js";
import { catalogEntries } from "../catalog/catalog-entries.js";
import type { Cataloger } from "../catalog/cataloger.js";
import { allCatalogers } from "../catalog/catalogers.js";
import { finalizePackages } from "../catalog/finalize.js";
import type { LayerResult } from "../catalog/layer-result.js";
import { applyLayers, type MergedView, readMerged } from "../catalog/merge.js";
import { detectDistro } from "../catalog/os/detect.js";
import { markOsOwned } from "../catalog/ownership.js";
import { SelectorIndex } from "../catalog/selectors.js";
import type { Inventory, InventorySource } from "../sbom/inventory.js";
import type { ImageSource, Layer, Source } from "../source/source.js";
import { walkTar } from "../source/tar.js";
import { ENGINE_VERSION } from "../version.js";
import type { FileScanner } from "./file-scanner.js";

export interface ScanProgress {
  /** Called as stored bytes are read; `total` is the sum of layer sizes when known. */
  onBytes?(done: number, total: number | undefined): void;
  /** Called when a layer is taken from the cache instead of being read. */
  onLayer?(layer: Layer, cached: boolean): void;
}

export interface CatalogOptions {
  /** Layer cache; false turns it off. Default: the user's cache directory. */
  cache?: LayerCache | false;
  catalogers?: readonly Cataloger[];
  progress?: ScanProgress;
  /** Check every layer's content against its diffID while reading it (default true). */
  verifyDiffIds?: boolean;
  /** Ceiling on one layer's uncompressed size (decompression bombs). */
  maxLayerBytes?: number;
  /**
   * Content scanners (secrets, malware) fed in the same pass. Their results are not cached yet: a layer
   * whose packages come from the cache is still read for them (with no cataloger run).
   */
  fileScanners?: readonly FileScanner[];
}

const NO_CATALOGERS = new SelectorIndex([]);

/** Reads one layer once, counting stored bytes for progress. */
async function catalogLayer(
  layer: Layer,
  index: SelectorIndex,
  opts: CatalogOptions,
  tick: (n: number) => void,
): Promise<LayerResult> {
  const raw = await layer.open();
  const counted = new PassThrough({ highWaterMark: 1024 * 1024 });
  raw.on("data", (c: Buffer) => tick(c.length));
  raw.on("error", (e) => counted.destroy(e));
  raw.pipe(counted);
  const warnings: string[] = [];
  const label = `layer ${layer.diffId}`;
  const result = await catalogEntries(
    walkTar(counted, {
      label,
      ...(opts.verifyDiffIds === false ? {} : { expectDiffId: layer.diffId }),
      ...(opts.maxLayerBytes ? { maxUncompressedBytes: opts.maxLayerBytes } : {}),
      warn: (m) => warnings.push(m),
    }),
    index,
    { layer: layer.diffId, ...(opts.fileScanners ? { fileScanners: opts.fileScanners } : {}) },
  );
  result.warnings.unshift(...warnings);
  return result;
}

async function catalogImage(img: ImageSource, index: SelectorIndex, opts: CatalogOptions): Promise<LayerResult[]> {
  const cache = opts.cache === false ? undefined : (opts.cache ?? new LayerCache());
  const sizes = img.layers.map((l) => l.size);
  const total = sizes.every((s) => s !== undefined) ? sizes.reduce((a: number, b) => a + (b ?? 0), 0) : undefined;
  let done = 0;
  const tick = (n: number) => {
    done += n;
    opts.progress?.onBytes?.(done, total);
  };
  const results: LayerResult[] = [];
  for (const layer of img.layers) {
    const hit = await cache?.get(layer.diffId);
    opts.progress?.onLayer?.(layer, hit !== undefined);
    if (hit) {
      if (opts.fileScanners?.length) {
        const scanned = await catalogLayer(layer, NO_CATALOGERS, opts, tick);
        results.push({ ...hit, warnings: [...hit.warnings, ...scanned.warnings] });
      } else {
        tick(layer.size ?? 0);
        results.push(hit);
      }
      continue;
    }
    const r = await catalogLayer(layer, index, opts, tick);
    await cache?.put(layer.diffId, r);
    results.push(r);
  }
  return results;
}

function describe(source: Source): InventorySource {
  if (source.kind === "filesystem") return { kind: source.transport, name: source.name, transport: source.transport };
  const history = source.layers;
  return {
    kind: "image",
    name: source.name,
    transport: source.transport,
    imageId: source.configDigest,
    ...(source.manifestDigest ? { manifestDigest: source.manifestDigest } : {}),
    tags: source.tags,
    ...(source.config.architecture ? { architecture: source.config.architecture } : {}),
    ...(source.config.os ? { os: source.config.os } : {}),
    layers: history.map((l) => ({
      diffId: l.diffId,
      digest: l.digest,
      ...(l.size !== undefined ? { size: l.size } : {}),
      ...(l.createdBy ? { createdBy: l.createdBy } : {}),
    })),
  };
}

/** What one scan pass produced before packaging into an inventory: kept for scanners that need the view. */
export interface CatalogResult {
  inventory: Inventory;
  view: MergedView;
  layers: LayerResult[];
}

/**
 * source → one pass over its files (layer by layer, cached by diffID) → merged view → distro → packages.
 */
export async function catalogSource(source: Source, opts: CatalogOptions = {}): Promise<CatalogResult> {
  const index = new SelectorIndex(opts.catalogers ?? allCatalogers);
  let layers: LayerResult[];
  if (source.kind === "image") {
    layers = await catalogImage(source, index, opts);
  } else {
    const warnings: string[] = [];
    let done = 0;
    const r = await catalogEntries(
      source.entries((m) => warnings.push(m)),
      index,
      {
        onProgress: (n) => {
          done += n;
          opts.progress?.onBytes?.(done, undefined);
        },
        ...(opts.fileScanners ? { fileScanners: opts.fileScanners } : {}),
      },
    );
    r.warnings.unshift(...warnings);
    layers = [r];
  }
  const view = applyLayers(layers);
  const distro = detectDistro((p) => readMerged(view, p));
  const layerOrder = source.kind === "image" ? source.layers.map((l) => l.diffId) : [];
  const packages = finalizePackages([...view.packages.values()].flat(), distro, layerOrder, (m) =>
    view.warnings.push(m),
  );
  markOsOwned(packages, view.owned.values());
  const inventory: Inventory = {
    source: describe(source),
    ...(distro ? { distro } : {}),
    packages,
    warnings: view.warnings,
    tool: { name: "rampart", version: ENGINE_VERSION },
    createdAt: new Date().toISOString(),
  };
  return { inventory, view, layers };
}
