import { isUnder, resolveLinkTarget } from "../source/path.js";
import type { CatalogedPackage, LayerResult } from "./layer-result.js";

/** The image as its last layer shows it: what survived every whiteout, with symlinks known. */
export interface MergedView {
  /** Packages by declaring path. For a package already present, unchanged, in a lower layer's copy of the
   *  same file, the location keeps the lower layer: the one that introduced it. */
  packages: Map<string, CatalogedPackage[]>;
  /** OS file lists that survived, by declaring path. */
  owned: Map<string, { owner: string; paths: string[] }>;
  files: Map<string, string>;
  symlinks: Map<string, string>;
  warnings: string[];
}

function deleteWhere<V>(map: Map<string, V>, pred: (path: string) => boolean): void {
  for (const key of [...map.keys()]) if (pred(key)) map.delete(key);
}

const sameRelease = (a: CatalogedPackage, b: CatalogedPackage) =>
  a.type === b.type && a.name === b.name && a.version === b.version && a.arch === b.arch && a.epoch === b.epoch;

/** Applies layers bottom to top (OCI image-spec "Applying Changesets"). */
export function applyLayers(layers: readonly LayerResult[]): MergedView {
  const view: MergedView = {
    packages: new Map(),
    owned: new Map(),
    files: new Map(),
    symlinks: new Map(),
    warnings: [],
  };
  const maps: Array<Map<string, unknown>> = [view.packages, view.owned, view.files, view.symlinks];
  for (const layer of layers) {
    for (const dir of layer.opaques) for (const m of maps) deleteWhere(m, (p) => p !== dir && isUnder(p, dir));
    for (const gone of layer.whiteouts) for (const m of maps) deleteWhere(m, (p) => isUnder(p, gone));
    for (const [path, list] of Object.entries(layer.packages)) {
      const lower = view.packages.get(path) ?? [];
      view.packages.set(
        path,
        list.map((p) => {
          const before = lower.find((q) => sameRelease(p, q));
          return before?.location.layer ? { ...p, location: { ...p.location, layer: before.location.layer } } : p;
        }),
      );
      view.symlinks.delete(path);
    }
    for (const [path, owned] of Object.entries(layer.owned ?? {})) view.owned.set(path, owned);
    for (const [path, text] of Object.entries(layer.files)) {
      view.files.set(path, text);
      view.symlinks.delete(path);
    }
    for (const [path, target] of Object.entries(layer.symlinks)) {
      view.symlinks.set(path, target);
      view.packages.delete(path);
      view.owned.delete(path);
      view.files.delete(path);
    }
    view.warnings.push(...layer.warnings);
  }
  return view;
}

/**
 * Resolves `path` through the view's symlinks (in any of its directories too), never leaving the root.
 * Returns undefined on a loop or more than 40 hops, as the kernel gives up with ELOOP.
 */
export function resolvePath(path: string, symlinks: ReadonlyMap<string, string>): string | undefined {
  let current = path;
  for (let hops = 0; hops <= 40; hops++) {
    const parts = current.split("/").filter(Boolean);
    let changed = false;
    for (let i = 1; i <= parts.length; i++) {
      const prefix = `/${parts.slice(0, i).join("/")}`;
      const target = symlinks.get(prefix);
      if (target !== undefined) {
        const rest = parts.slice(i).join("/");
        const resolved = resolveLinkTarget(prefix, target);
        current = rest ? `${resolved === "/" ? "" : resolved}/${rest}` : resolved;
        changed = true;
        break;
      }
    }
    if (!changed) return current;
  }
  return undefined;
}

/** Reads a captured file through symlinks. */
export function readMerged(view: MergedView, path: string): string | undefined {
  const real = resolvePath(path, view.symlinks);
  return real === undefined ? undefined : view.files.get(real);
}
