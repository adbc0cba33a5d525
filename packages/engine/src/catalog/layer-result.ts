import type { PackageInput } from "../package/package.js";

/** A cataloger's package with the cataloger's name attached by the scan. */
export type CatalogedPackage = PackageInput & { foundBy: string };

/**
 * What cataloging one layer (or one directory tree) yields. It depends only on the layer's bytes and the
 * cataloger set, so it is what the layer cache stores, keyed by the layer's diffID.
 */
export interface LayerResult {
  /** Packages by the path of the file that declared them. Every selected path has a key, even with []. */
  packages: Record<string, CatalogedPackage[]>;
  /** OS package managers' file lists: declaring file path → the OS package and the paths it installed. */
  owned: Record<string, { owner: string; paths: string[] }>;
  /** Small files kept whole for OS detection (os-release, alpine-release…), by path. */
  files: Record<string, string>;
  /** Symlinks of the layer: path → target as written. */
  symlinks: Record<string, string>;
  /** Paths this layer deleted (whiteouts), directories included. */
  whiteouts: string[];
  /** Directories this layer made opaque (lower layers' contents hidden). */
  opaques: string[];
  warnings: string[];
  /** Files and bytes seen, for progress and benchmarks. */
  stats: { files: number; bytes: number; selected: number };
}

export function emptyLayerResult(): LayerResult {
  return {
    packages: {},
    owned: {},
    files: {},
    symlinks: {},
    whiteouts: [],
    opaques: [],
    warnings: [],
    stats: { files: 0, bytes: 0, selected: 0 },
  };
}
