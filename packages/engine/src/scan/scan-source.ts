import type { LayerCache } from "../cache/layer-cache.js";
import { loadDefaultPack } from "../malware/pack.js";
import { MalwareScanner } from "../malware/scanner.js";
import type { MalwareFinding } from "../malware/types.js";
import type { Inventory } from "../sbom/inventory.js";
import { SecretScanner } from "../secrets/scanner.js";
import type { SecretFinding } from "../secrets/types.js";
import type { ImageConfig, Source } from "../source/source.js";
import type { FileScanner } from "./file-scanner.js";
import { catalogSource } from "./scan.js";

/** The content scanners that read files during the catalog pass. */
export type ContentScanner = "secret" | "malware";

export interface SourceScanOptions {
  /** Which content scanners read the files as the catalog walks them (none: packages only). */
  scanners: readonly ContentScanner[];
  /** Layer cache for images; false (default) reads every layer. */
  cache?: LayerCache | false;
  /** Aborts the scan: the source is closed under the catalog, which then fails. */
  signal?: AbortSignal;
  /** 0..1 as the input is read. */
  onRead?: (fraction: number) => void;
  /** Salt of secret fingerprints (default: the engine's public one). */
  secretSalt?: string;
}

export interface SourceScan {
  inventory: Inventory;
  /** Present when the secret scanner ran. */
  secrets?: SecretFinding[];
  /** Present when the malware scanner ran. */
  malware?: MalwareFinding[];
  /** The content scanners' warnings (the catalog's are in the inventory). */
  warnings: string[];
  /** An image's config (user, health check, build history): what its posture is checked on. */
  imageConfig?: ImageConfig;
}

/**
 * One pass over a source: its packages, and the secrets and malware in its files when asked — the scan the
 * console runs on an uploaded image and the sensor runs on a host, a container or a local image. Closes the
 * source.
 */
export async function scanSource(source: Source, o: SourceScanOptions): Promise<SourceScan> {
  let secret: SecretScanner | undefined;
  let malware: MalwareScanner | undefined;
  try {
    if (o.scanners.includes("secret")) secret = await SecretScanner.create(o.secretSalt ? { salt: o.secretSalt } : {});
    if (o.scanners.includes("malware")) malware = await MalwareScanner.create({ packs: [await loadDefaultPack()] });
    const fileScanners: FileScanner[] = [...(secret ? [secret] : []), ...(malware ? [malware] : [])];
    const inventory = await catalogAbortably(source, fileScanners, o);
    const s = secret?.results();
    const m = malware?.results();
    return {
      inventory,
      ...(s ? { secrets: s.findings } : {}),
      ...(m ? { malware: m.findings } : {}),
      warnings: [...(s?.warnings ?? []), ...(m?.warnings ?? [])],
      ...(source.kind === "image" ? { imageConfig: source.config } : {}),
    };
  } finally {
    await secret?.close();
    await malware?.close();
    await source.close();
  }
}

/**
 * The catalog cannot be interrupted from outside, so an abort closes the source under it: its reads fail and
 * the catalog ends with an error, freeing the worker instead of finishing an unwanted scan.
 */
async function catalogAbortably(source: Source, fileScanners: FileScanner[], o: SourceScanOptions): Promise<Inventory> {
  o.signal?.throwIfAborted();
  const onAbort = () => void source.close();
  o.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const { inventory } = await catalogSource(source, {
      cache: o.cache ?? false,
      ...(fileScanners.length ? { fileScanners } : {}),
      progress: {
        onBytes: (done, total) => {
          if (total) o.onRead?.(Math.min(1, done / total));
        },
      },
    });
    o.signal?.throwIfAborted();
    return inventory;
  } catch (e) {
    o.signal?.throwIfAborted();
    throw e;
  } finally {
    o.signal?.removeEventListener("abort", onAbort);
  }
}
