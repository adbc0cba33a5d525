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
    if (wanted.length === 0) continue;
    result.stats.selected++;
    declaring = entry.path;
    const packages = await parseWith(entry, wanted, ctx, opts.layer);
    if (packages) result.packages[entry.path] = packages;
  }
  return result;
}

async function parseWith(
  entry: FileEntry,
  catalogers: Cataloger[],
  ctx: CatalogContext,
  layer: string | undefined,
): Promise<CatalogedPackage[] | undefined> {
  let content: Buffer;
  try {
    content = await entry.read(SelectorIndex.maxBytes(catalogers));
  } catch (e) {
    if (e instanceof EntryTooLargeError) {
      ctx.warn(e.message);
      return undefined;
    }
    throw e;
  }
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
