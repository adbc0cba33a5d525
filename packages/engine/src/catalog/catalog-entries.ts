import { type FileScanner, MAX_BYTES_IN_FLIGHT, MAX_IN_FLIGHT } from "../scan/file-scanner.js";
import { EntryTooLargeError, type FileEntry } from "../source/entry.js";
import type { CatalogContext, Cataloger } from "./cataloger.js";
import { type CatalogedPackage, emptyLayerResult, type LayerResult } from "./layer-result.js";
import { OS_FILES } from "./os/detect.js";
import { SelectorIndex } from "./selectors.js";

const OS_FILE_SET = new Set(OS_FILES);
const OS_FILE_MAX = 64 * 1024;

export interface CatalogEntriesOptions {
  /** The layer's diffID, stamped on every location (absent for directories and hosts). */
  layer?: string;
  /** Called after each file, for progress display. */
  onProgress?(bytes: number): void;
  /** Content scanners (secrets, malware) that read files in the same pass. */
  fileScanners?: readonly FileScanner[];
}

/**
 * The single pass: hands every entry of one layer (or directory walk) to the catalogers that want it,
 * reading each selected file once, and collects what the layer merge needs (whiteouts, symlinks, OS files).
 */
export async function catalogEntries(
  entries: AsyncIterable<FileEntry>,
  index: SelectorIndex,
  opts: CatalogEntriesOptions = {},
): Promise<LayerResult> {
  const result = emptyLayerResult();
  const inFlight = new Set<Promise<void>>();
  let bytesInFlight = 0;
  let declaring = "";
  const ctx: CatalogContext = {
    warn: (m) => result.warnings.push(m),
    own: (owner, paths) => {
      const prev = result.owned[declaring];
      result.owned[declaring] = { owner, paths: prev ? [...prev.paths, ...paths] : paths };
    },
  };
  for await (const entry of entries) {
    switch (entry.kind) {
      case "whiteout":
        result.whiteouts.push(entry.path);
        continue;
      case "opaque":
        result.opaques.push(entry.path);
        continue;
      case "symlink":
        result.symlinks[entry.path] = entry.linkTarget ?? "";
        continue;
      case "hardlink":
        copyHardlink(result, entry.path, entry.linkTarget ?? "", index);
        continue;
      case "file":
        break;
      default:
        continue;
    }
    result.stats.files++;
    result.stats.bytes += entry.size;
    opts.onProgress?.(entry.size);
    if (OS_FILE_SET.has(entry.path) && entry.size <= OS_FILE_MAX) {
      result.files[entry.path] = (await entry.peek(OS_FILE_MAX)).toString("utf8");
    }
    let wanted = index.byPath(entry.path);
    if (wanted.length === 0 && index.wantsHead(entry.mode, entry.size)) {
      wanted = index.byHead(await entry.peek(index.magicLength), entry.mode);
    }
    const scanners = (opts.fileScanners ?? []).filter(
      (s) => entry.size <= s.maxFileBytes && s.wants(entry.path, entry.size),
    );
    if (wanted.length === 0 && scanners.length === 0) continue;
    const content = await readFor(entry, wanted, scanners, ctx);
    if (content === undefined) continue;
    if (wanted.length > 0) {
      result.stats.selected++;
      declaring = entry.path;
      result.packages[entry.path] = await parseWith(entry, content, wanted, ctx, opts.layer);
    }
    // Catalogers are done with the bytes: a scanner may now take them over (the last one gets the original
    // when it owns its memory outright).
    scanners.forEach((s, i) => {
      const bytes = i === scanners.length - 1 ? owned(content) : copy(content);
      const p = s.scan(entry.path, bytes, opts.layer).catch((e: unknown) => {
        ctx.warn(`${s.name}: ${entry.path}: ${e instanceof Error ? e.message : String(e)}`);
      });
      inFlight.add(p);
      bytesInFlight += bytes.length;
      void p.finally(() => {
        inFlight.delete(p);
        bytesInFlight -= bytes.length;
      });
    });
    while (inFlight.size >= MAX_IN_FLIGHT || (inFlight.size > 0 && bytesInFlight > MAX_BYTES_IN_FLIGHT))
      await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return result;
}

/**
 * A scanner may transfer its buffer's ArrayBuffer to a worker, which detaches all of it. Small Buffers are
 * slices of Node's shared pool: transferring one would empty every other buffer cut from the same slab.
 */
const owned = (b: Buffer): Buffer => (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : copy(b));
const copy = (b: Buffer): Buffer => {
  const out = Buffer.allocUnsafeSlow(b.length);
  b.copy(out);
  return out;
};

/** Reads the entry once, up to the largest limit among those who want it; undefined after a warning if too big. */
async function readFor(
  entry: FileEntry,
  catalogers: Cataloger[],
  scanners: readonly FileScanner[],
  ctx: CatalogContext,
): Promise<Buffer | undefined> {
  const limit = Math.max(
    catalogers.length ? SelectorIndex.maxBytes(catalogers) : 0,
    ...scanners.map((s) => s.maxFileBytes),
  );
  try {
    return await entry.read(limit);
  } catch (e) {
    if (e instanceof EntryTooLargeError) {
      ctx.warn(e.message);
      return undefined;
    }
    throw e;
  }
}

async function parseWith(
  entry: FileEntry,
  content: Buffer,
  catalogers: Cataloger[],
  ctx: CatalogContext,
  layer: string | undefined,
): Promise<CatalogedPackage[]> {
  const out: CatalogedPackage[] = [];
  for (const c of catalogers) {
    if (content.length > (c.selector.maxBytes ?? Number.POSITIVE_INFINITY)) {
      ctx.warn(`${entry.path}: ${content.length} bytes is over ${c.name}'s limit; skipped`);
      continue;
    }
    try {
      const found = await c.parse({ path: entry.path, content, mode: entry.mode }, ctx);
      for (const p of found) {
        if (layer) p.location.layer = layer;
        out.push({ ...p, foundBy: c.name });
      }
    } catch (e) {
      ctx.warn(`${c.name}: ${entry.path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return out;
}

/** A hard link shares its target's bytes: reuse what the target yielded instead of reading twice. */
function copyHardlink(result: LayerResult, path: string, target: string, index: SelectorIndex): void {
  const fromTarget = result.packages[target];
  if (fromTarget) {
    result.packages[path] = fromTarget.map((p) => ({ ...p, location: { ...p.location, path } }));
  } else if (index.byPath(path).length > 0 && index.byPath(target).length === 0) {
    result.warnings.push(`${path}: hard link to ${target}, which was not cataloged; skipped`);
  }
  const osText = result.files[target];
  if (osText !== undefined && OS_FILE_SET.has(path)) result.files[path] = osText;
}
