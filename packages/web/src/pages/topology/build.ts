import { DirectedGraph } from "graphology";
import { layout } from "./layout.js";
import type { Palette } from "./palette.js";
import type { GraphNodeKind, TopologyGraph } from "./types.js";

const SIZE: Record<GraphNodeKind, number> = { host: 9, pod: 6, container: 5, process: 3, service: 7, ingress: 7 };

export interface NodeAttrs {
  x: number;
  y: number;
  size: number;
  label: string;
  kind: GraphNodeKind;
  color: string;
}
export interface EdgeAttrs {
  size: number;
}

/**
 * Builds the graphology graph sigma draws: positions from the layout (computed once, in O(n)), colours from
 * the palette. Edges carry no colour of their own (sigma's defaultEdgeColor), so a theme switch recolours the
 * nodes only. The API already merged edges between the same two ends per kind; two kinds between the same
 * pair are drawn as one line.
 */
export function toGraphology(g: TopologyGraph, palette: Palette): DirectedGraph<NodeAttrs, EdgeAttrs> {
  const graph = new DirectedGraph<NodeAttrs, EdgeAttrs>({ allowSelfLoops: false });
  // Past 5,000 nodes they overlap when the whole estate is in view: half as large, a quarter of the pixels to
  // fill per frame (zooming in still enlarges them).
  const scale = g.nodes.length > 5_000 ? 0.5 : 1;
  for (const p of layout(g.nodes))
    graph.addNode(p.node.id, {
      x: p.x,
      y: p.y,
      size: SIZE[p.node.kind] * scale,
      label: p.node.label,
      kind: p.node.kind,
      color: palette.kind[p.node.kind],
    });
  let i = 0;
  for (const e of g.edges)
    if (e.from !== e.to && graph.hasNode(e.from) && graph.hasNode(e.to) && !graph.hasDirectedEdge(e.from, e.to))
      graph.addDirectedEdgeWithKey(String(i++), e.from, e.to, { size: e.count > 1 ? 1.5 : 1 });
  return graph;
}
