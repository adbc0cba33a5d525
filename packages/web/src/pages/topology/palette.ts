import { type GraphNodeKind, KINDS } from "./types.js";

export interface Palette {
  kind: Record<GraphNodeKind, string>;
  edge: string;
  text: string;
  panel: string;
  border: string;
}

/**
 * The graph's colours, read from the stylesheet's variables at render time (WebGL cannot use CSS), so the
 * light and dark themes apply to the canvas too. Read again whenever the theme changes.
 */
export function readPalette(from: Element = document.documentElement): Palette {
  const css = getComputedStyle(from);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return {
    kind: Object.fromEntries(KINDS.map((k) => [k, v(`--topo-${k}`)])) as Record<GraphNodeKind, string>,
    edge: v("--topo-edge"),
    text: v("--text"),
    panel: v("--panel"),
    border: v("--border"),
  };
}
