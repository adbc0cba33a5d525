import { useEffect, useMemo, useRef, useState } from "react";
import Sigma from "sigma";
import { EdgeLineProgram, type NodeHoverDrawingFunction, NodePointProgram } from "sigma/rendering";
import type { RenderParams } from "sigma/types";
import { toGraphology } from "./build.js";
import { type Palette, premultiplied, readPalette } from "./palette.js";
import { type GraphNode, type GraphNodeKind, KINDS, type TopologyGraph } from "./types.js";

/**
 * Nodes as GL points, without the picking pass (the hidden copy sigma draws to find the node under the mouse)
 * while the camera moves: half the drawing of each frame then. Nothing is hovered while the view moves, and
 * the frame drawn when it stops brings the picking back.
 */
function pointsPickedAtRest(moving: () => boolean) {
  return class extends NodePointProgram {
    override render(params: RenderParams): void {
      const pick = this.pickProgram;
      if (!pick || !moving()) {
        super.render(params);
        return;
      }
      this.pickProgram = null;
      try {
        super.render(params);
      } finally {
        this.pickProgram = pick;
      }
    }
  };
}

/** The hovered node's label in a box of the theme's colours (sigma's default box is always white). */
const hoverBox =
  (palette: () => Palette): NodeHoverDrawingFunction =>
  (ctx, data, settings) => {
    const p = palette();
    const size = settings.labelSize;
    ctx.font = `${settings.labelWeight} ${size}px ${settings.labelFont}`;
    const w = ctx.measureText(data.label ?? "").width + 10;
    ctx.fillStyle = p.panel;
    ctx.strokeStyle = p.border;
    ctx.beginPath();
    ctx.rect(data.x + data.size + 2, data.y - size / 2 - 4, w, size + 8);
    ctx.fill();
    ctx.stroke();
    ctx.fillStyle = p.text;
    ctx.fillText(data.label ?? "", data.x + data.size + 7, data.y + size / 3);
  };

/**
 * The topology drawn with WebGL (sigma): one canvas whatever the size, no element per node. Hover names a
 * node; a click on one that belongs to a registered node opens it. The graph is built once per reply: moving
 * the camera re-renders nothing in React, and a theme switch recolours the drawn graph in place. While the
 * camera moves, edges and labels are not drawn (they come back when it stops), so a software renderer keeps
 * up with 50,000 nodes (bench/README.md, "Web UI topology", has the frame times). The container exposes the
 * drawn graph's order and size (data-node-count, data-edge-count), the time to lay it out and build it
 * (data-build-ms), to its first drawn frame (data-render-ms), the camera (data-camera: x, y, ratio, updated
 * when it settles) and the theme it was last recoloured for (data-theme).
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
  const open = useRef(onOpen);
  open.current = onOpen;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const started = performance.now();
    let palette = readPalette();
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    const g = toGraphology(graph, palette);
    el.dataset.buildMs = (performance.now() - started).toFixed(1);
    // Large graphs with the cheapest programs: edges as 1-pixel GL lines instead of antialiased quads (about a
    // third of the pixels), nodes as GL points. In software WebGL the cost of a frame is the pixels it fills.
    const large = g.order > 5_000 || g.size > 10_000;
    // Sigma's own test for a moving camera (render() in sigma.ts); false while it is being built.
    let renderer: Sigma | undefined;
    const moving = () => {
      if (!renderer) return false;
      const captor = renderer.getMouseCaptor();
      return (
        renderer.getCamera().isAnimated() ||
        captor.isMoving ||
        captor.draggedEvents > 0 ||
        captor.currentWheelDirection !== 0
      );
    };
    const sigma = new Sigma(g, el, {
      ...(large
        ? {
            nodeProgramClasses: { circle: pointsPickedAtRest(moving) },
            edgeProgramClasses: { line: EdgeLineProgram },
          }
        : {}),
      labelColor: { color: palette.text },
      defaultEdgeColor: premultiplied(palette.edge),
      labelRenderedSizeThreshold: 8,
      // Fewer labels on large graphs: each is drawn with the 2D canvas when the camera stops.
      labelDensity: g.order > 5_000 ? 0.5 : 1,
      hideEdgesOnMove: true,
      hideLabelsOnMove: true,
      defaultDrawNodeHover: hoverBox(() => palette),
      zIndex: false,
    });
    renderer = sigma;
    // After a drag, sigma's mouse captor calls refresh() to bring the edges hidden on move back: a full
    // re-index of every node and edge (seconds at 100,000 edges). Nothing changed but the camera, so a render
    // does the same (sigma.js issue #1290 introduced that refresh). Calls with options are sigma's own and pass.
    const refresh = sigma.refresh.bind(sigma);
    sigma.refresh = (opts) => (opts ? refresh(opts) : sigma.scheduleRender());

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
    const camera = sigma.getCamera();
    const showCamera = () => {
      const c = camera.getState();
      el.dataset.camera = `${c.x.toFixed(4)},${c.y.toFixed(4)},${c.ratio.toFixed(4)}`;
    };
    showCamera();
    // Written when the camera settles, not per frame: the DOM is not touched while it moves.
    let settle: ReturnType<typeof setTimeout> | undefined;
    camera.on("updated", () => {
      clearTimeout(settle);
      settle = setTimeout(showCamera, 100);
    });
    el.dataset.nodeCount = String(g.order);
    el.dataset.edgeCount = String(g.size);
    requestAnimationFrame(() => {
      el.dataset.renderMs = (performance.now() - started).toFixed(1);
    });

    // The theme lives in <html data-theme>: recolour the nodes and labels in place when it changes.
    const themes = new MutationObserver(() => {
      palette = readPalette();
      g.forEachNode((_, a) => {
        a.color = palette.kind[a.kind];
      });
      // One settings update: sigma re-reads every node's attributes (their new colours) once.
      sigma.setSettings({ labelColor: { color: palette.text }, defaultEdgeColor: premultiplied(palette.edge) });
      el.dataset.theme = document.documentElement.dataset.theme ?? "";
    });
    themes.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    return () => {
      themes.disconnect();
      clearTimeout(settle);
      sigma.kill();
      delete el.dataset.renderMs;
    };
  }, [graph]);

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
        {graph.truncated && (
          <p className="hint" role="note">
            Too large to draw whole: the deepest nodes are folded into their hosts and the least used connections left
            out. Choose a lower level, or open a host.
          </p>
        )}
        <p className="hint" aria-live="polite" data-testid="topology-hovered">
          {hovered
            ? `${hovered.kind} ${hovered.label}${hovered.nodeId ? " — click to open its host" : ""}`
            : "Hover a node to name it; click one to open its host. Scroll to zoom, drag to pan."}
        </p>
      </figcaption>
    </figure>
  );
}
