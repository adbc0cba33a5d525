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

/**
 * A "#rrggbbaa" colour with its red, green and blue multiplied by its alpha. Sigma blends WebGL layers as
 * premultiplied (ONE, ONE_MINUS_SRC_ALPHA): given a plain translucent colour, thousands of overlapping edges
 * add up to white instead of the edge colour. Other notations are returned as they are.
 */
export function premultiplied(color: string): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color.trim());
  if (!m) return color;
  const [r, g, b, a] = m.slice(1).map((h) => Number.parseInt(h, 16)) as [number, number, number, number];
  const hex = (c: number) =>
    Math.round((c * a) / 255)
      .toString(16)
      .padStart(2, "0");
  return `#${hex(r)}${hex(g)}${hex(b)}${m[4]}`;
}
