import { MultiDirectedGraph } from "graphology";
import { useEffect, useMemo, useRef, useState } from "react";
import Sigma from "sigma";
import type { NodeHoverDrawingFunction } from "sigma/rendering";
import { useTheme } from "../../layout/theme.js";
import { layout } from "./layout.js";
import { type Palette, readPalette } from "./palette.js";
import { type GraphNode, type GraphNodeKind, KINDS, type TopologyGraph } from "./types.js";

const SIZE: Record<GraphNodeKind, number> = { host: 9, pod: 6, container: 5, process: 3, service: 7, ingress: 7 };

interface NodeAttrs {
  x: number;
  y: number;
  size: number;
  label: string;
  kind: GraphNodeKind;
  color: string;
}

/** Builds the graphology graph sigma draws: positions from the layout, colours from the palette. */
export function toGraphology(g: TopologyGraph, palette: Palette): MultiDirectedGraph<NodeAttrs> {
  const graph = new MultiDirectedGraph<NodeAttrs>({ allowSelfLoops: false });
  for (const p of layout(g.nodes))
    graph.addNode(p.node.id, {
      x: p.x,
      y: p.y,
      size: SIZE[p.node.kind],
      label: p.node.label,
      kind: p.node.kind,
      color: palette.kind[p.node.kind],
    });
  for (const e of g.edges)
    if (e.from !== e.to && graph.hasNode(e.from) && graph.hasNode(e.to))
      graph.addDirectedEdge(e.from, e.to, { color: palette.edge, size: e.count > 1 ? 1.5 : 1 });
  return graph;
}

/** The hovered node's label in a box of the theme's colours (sigma's default box is always white). */
const hoverBox =
  (palette: Palette): NodeHoverDrawingFunction =>
  (ctx, data, settings) => {
    const size = settings.labelSize;
    ctx.font = `${settings.labelWeight} ${size}px ${settings.labelFont}`;
    const w = ctx.measureText(data.label ?? "").width + 10;
    ctx.fillStyle = palette.panel;
    ctx.strokeStyle = palette.border;
    ctx.beginPath();
    ctx.rect(data.x + data.size + 2, data.y - size / 2 - 4, w, size + 8);
    ctx.fill();
    ctx.stroke();
    ctx.fillStyle = palette.text;
    ctx.fillText(data.label ?? "", data.x + data.size + 7, data.y + size / 3);
  };

/**
 * The topology drawn with WebGL (sigma): one canvas whatever the size, no element per node, so tens of
 * thousands of nodes stay interactive. Hover names a node; a click on one that belongs to a registered node
 * opens it. The container exposes the drawn graph's order and size (data-node-count, data-edge-count), the
 * time to lay it out and build it (data-build-ms) and to its first drawn frame (data-render-ms).
 */
export function GraphView({
  graph,
  onOpen,
  label,
  className = "topo-graph",
}: {
  graph: TopologyGraph;
  onOpen: (n: GraphNode) => void;
  label: string;
  className?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [hovered, setHovered] = useState<GraphNode>();
  const { theme } = useTheme();
  const open = useRef(onOpen);
  open.current = onOpen;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the theme changes the palette read from the CSS
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const started = performance.now();
    const palette = readPalette();
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    const g = toGraphology(graph, palette);
    el.dataset.buildMs = (performance.now() - started).toFixed(1);
    const sigma = new Sigma(g, el, {
      labelColor: { color: palette.text },
      labelRenderedSizeThreshold: 8,
      // Past tens of thousands of items, moving the camera redraws nodes only; edges and labels come back when
      // it stops (bench/README.md, "Web UI topology", has the frame times).
      hideEdgesOnMove: g.size > 20_000,
      hideLabelsOnMove: g.order > 20_000,
      defaultDrawNodeHover: hoverBox(palette),
      zIndex: false,
    });
    sigma.on("enterNode", ({ node }) => {
      setHovered(byId.get(node));
      el.style.cursor = "pointer";
    });
    sigma.on("leaveNode", () => {
      setHovered(undefined);
      el.style.cursor = "";
    });
    sigma.on("clickNode", ({ node }) => {
      const n = byId.get(node);
      if (n) open.current(n);
    });
    el.dataset.nodeCount = String(g.order);
    el.dataset.edgeCount = String(g.size);
    requestAnimationFrame(() => {
      el.dataset.renderMs = (performance.now() - started).toFixed(1);
    });
    return () => {
      sigma.kill();
      delete el.dataset.renderMs;
    };
  }, [graph, theme]);

  const counts = useMemo(() => {
    const by = new Map<GraphNodeKind, number>();
    for (const n of graph.nodes) by.set(n.kind, (by.get(n.kind) ?? 0) + 1);
    return by;
  }, [graph]);
  return (
    <figure className="topo-figure">
      <div ref={box} className={className} role="img" aria-label={label} data-testid="topology-graph" />
      <figcaption>
        <ul className="topo-legend">
          {KINDS.filter((k) => counts.has(k)).map((k) => (
            <li key={k}>
              <span className={`topo-swatch topo-${k}`} aria-hidden="true" /> {k} ({counts.get(k)})
            </li>
          ))}
          <li>{graph.edges.length} connections</li>
          {graph.unresolved > 0 && <li>{graph.unresolved} to unknown addresses (not drawn)</li>}
        </ul>
        <p className="hint" aria-live="polite" data-testid="topology-hovered">
          {hovered
            ? `${hovered.kind} ${hovered.label}${hovered.nodeId ? " — click to open its host" : ""}`
            : "Hover a node to name it; click one to open its host. Scroll to zoom, drag to pan."}
        </p>
      </figcaption>
    </figure>
  );
}
