import type * as Fflate from "fflate";
import type { UnzipFileInfo } from "fflate";
import { lazy } from "../../lazy.js";

const fflate = lazy<typeof Fflate>("fflate");

/**
 * Extracts only the wanted members of a zip archive, deciding from the central directory's declared sizes
 * before anything is inflated, so a hostile archive (zip bomb, lying sizes, absurd nesting) costs bounded
 * memory. fflate inflates each entry into a buffer of exactly its declared size and never grows it, so a
 * stream that inflates to more than it declared is cut off there (its decoder still runs to the end of the
 * entry's compressed bytes, which is why entries whose compressed size does not fit the declared one are
 * refused too).
 */

export interface UnzipLimits {
  /** Largest declared uncompressed size of one extracted entry. */
  maxEntryBytes: number;
  /** Deflated entries above `ratioFloorBytes` may expand at most this many times. */
  maxRatio: number;
  ratioFloorBytes: number;
}

export const DEFAULT_LIMITS: UnzipLimits = {
  maxEntryBytes: 256 * 1024 * 1024,
  maxRatio: 100,
  ratioFloorBytes: 1024 * 1024,
};

/** Bytes one top-level archive may still extract, shared by all the archives nested in it. */
export interface UnzipBudget {
  remaining: number;
}

export interface WantedEntry {
  /** Cap for this kind of entry (a manifest is text: megabytes are already suspicious). */
  maxBytes: number;
}

const STORED = 0;
const DEFLATED = 8;

/**
 * The wanted entries' bytes by name. Entries that break a limit are skipped with a warning. Throws when the
 * archive itself cannot be read (no central directory: truncated or not a zip).
 */
export function unzipSelected(
  data: Uint8Array,
  want: (name: string) => WantedEntry | undefined,
  budget: UnzipBudget,
  warn: (message: string) => void,
  limits: UnzipLimits = DEFAULT_LIMITS,
): Record<string, Uint8Array> {
  const start = budget.remaining;
  let inflating = false;
  const refused = new Set<string>();
  const filter = (f: UnzipFileInfo): boolean => {
    const w = want(f.name);
    if (!w || refused.has(f.name)) return false;
    const why = refusal(f, w, budget, limits);
    if (why) {
      refused.add(f.name);
      warn(`${f.name}: ${why}; skipped`);
      return false;
    }
    budget.remaining -= f.originalSize;
    inflating = true;
    return true;
  };
  try {
    return fflate().unzipSync(data, { filter });
  } catch (e) {
    // The directory was read but one entry's data is damaged: salvage the others one by one.
    if (!inflating) throw e;
    budget.remaining = start;
    const names: string[] = [];
    // A listing pass: the filter refuses everything, so nothing is inflated.
    fflate().unzipSync(data, {
      filter: (f) => {
        if (want(f.name) && !refused.has(f.name)) names.push(f.name);
        return false;
      },
    });
    const out: Record<string, Uint8Array> = {};
    for (const name of new Set(names)) {
      try {
        Object.assign(out, fflate().unzipSync(data, { filter: (f) => f.name === name && filter(f) }));
      } catch (inner) {
        warn(`${name}: cannot be extracted (${inner instanceof Error ? inner.message : String(inner)}); skipped`);
      }
    }
    return out;
  }
}

function refusal(f: UnzipFileInfo, w: WantedEntry, budget: UnzipBudget, limits: UnzipLimits): string | undefined {
  const size = f.originalSize;
  if (f.compression !== STORED && f.compression !== DEFLATED) return `unsupported compression method ${f.compression}`;
  if (size > Math.min(w.maxBytes, limits.maxEntryBytes)) return `declares ${size} bytes, over the limit`;
  if (f.compression === STORED && f.size !== size) return "stored entry with inconsistent sizes";
  if (f.compression === DEFLATED) {
    if (size > limits.ratioFloorBytes && size > f.size * limits.maxRatio) {
      return `compression ratio ${Math.round(size / Math.max(f.size, 1))}:1 looks like a zip bomb`;
    }
    // Deflate never makes data much larger; more compressed bytes than that means the declared size lies.
    if (f.size > size + (size >> 3) + 1024) return "declares fewer bytes than its compressed data holds";
  }
  if (size > budget.remaining) return "the archive's extraction budget is spent";
  return undefined;
}
