import {
  allCollectors,
  type ContentScanner,
  type DbStatus,
  evaluatePosture,
  type ImageConfig,
  type Inventory,
  type InventorySource,
  type LayerCache,
  loadBuiltinControls,
  Matcher,
  openTarget,
  type PostureDocument,
  postureDocument,
  readSbomFile,
  scanSource,
  VulnDb,
} from "@rampart/engine";
import type { ScanResults } from "./rows.js";
import type { Scanner } from "./tables.js";

/** What the engine made of one input: what was read, what it found, what it warned about. */
export interface EngineOutcome {
  source: InventorySource;
  /** Packages matched against the vulnerability DB (0 when the vuln scanner did not run). */
  packageCount: number;
  results: ScanResults;
  warnings: string[];
  /** The vulnerability DB the match used. */
  db?: Pick<DbStatus, "builtAt" | "schemaVersion">;
}

export interface EngineRunOptions {
  vulnDbDir: string;
  /** Layer cache for image archives; false (default) reads every layer. */
  layerCache?: LayerCache | false;
  /** Aborts the run: an image being read is closed under the catalog, which then fails. */
  signal?: AbortSignal;
  /** 0..1 as the input is read (matching and storing come after). */
  onRead?: (fraction: number) => void;
  /** Salt of secret fingerprints (default: the engine's public one). */
  secretSalt?: string;
}

/** Catalogs an image archive (docker save or OCI archive, gzip/zstd or plain) with the content scanners asked for. */
export async function scanImageArchive(
  path: string,
  name: string,
  scanners: readonly Scanner[],
  o: EngineRunOptions,
): Promise<EngineOutcome> {
  o.signal?.throwIfAborted();
  const source = await openTarget({ kind: "archive", path }).catch(named(path, name));
  const scan = await scanSource(source, {
    scanners: scanners.filter((s): s is ContentScanner => s === "secret" || s === "malware"),
    cache: o.layerCache ?? false,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onRead ? { onRead: o.onRead } : {}),
    ...(o.secretSalt ? { secretSalt: o.secretSalt } : {}),
  }).catch(named(path, name));
  // The archive's path is a temp name under the data dir; what the user called it is the useful name.
  scan.inventory.source = { ...scan.inventory.source, name };
  const out = match(scan.inventory, scanners, o);
  const posture =
    scanners.includes("posture") && scan.imageConfig ? await imagePosture(scan.imageConfig, name) : undefined;
  return {
    ...out,
    results: {
      ...out.results,
      ...(scan.secrets ? { secrets: scan.secrets } : {}),
      ...(scan.malware ? { malware: scan.malware } : {}),
      ...(posture ? { posture: posture.document } : {}),
    },
    warnings: [...out.warnings, ...scan.warnings, ...(posture?.warnings ?? [])],
  };
}

/** An image's posture: its config and build history (read by the scan's one pass) against the Dockerfile controls. */
async function imagePosture(
  config: ImageConfig,
  name: string,
): Promise<{ document: PostureDocument; warnings: string[] }> {
  const report = await evaluatePosture(loadBuiltinControls(), { name, image: { name, config } }, allCollectors);
  return { document: postureDocument(report), warnings: report.warnings };
}

/** Reads an SBOM (CycloneDX or SPDX JSON) and matches its packages. */
export async function scanSbomFile(path: string, name: string, o: EngineRunOptions): Promise<EngineOutcome> {
  const inventory = await readSbomFile(path, { name }).catch(named(path, name));
  o.signal?.throwIfAborted();
  return match(inventory, ["vuln"], o);
}

/** Errors name the upload as the user named it, never by its file on the console. */
function named(path: string, name: string): (e: unknown) => never {
  return (e) => {
    if (!(e instanceof Error) || !e.message.includes(path)) throw e;
    const renamed = new Error(e.message.replaceAll(path, name), { cause: e });
    renamed.name = e.name;
    throw renamed;
  };
}

/** Matches an inventory's packages against the console's vulnerability DB (opened fresh: refreshes replace it). */
export function match(
  inventory: Inventory,
  scanners: readonly Scanner[],
  o: Pick<EngineRunOptions, "vulnDbDir">,
): EngineOutcome {
  const base = { source: inventory.source, warnings: [...inventory.warnings] };
  if (!scanners.includes("vuln")) return { ...base, packageCount: 0, results: { findings: [] } };
  const db = VulnDb.open(o.vulnDbDir);
  try {
    const status = db.status();
    const result = new Matcher(db).match(inventory, { detectedAt: new Date().toISOString() });
    return {
      ...base,
      packageCount: result.matched,
      results: { findings: result.findings },
      warnings: [...base.warnings, ...result.warnings],
      db: { builtAt: status.builtAt, schemaVersion: status.schemaVersion },
    };
  } finally {
    db.close();
  }
}
