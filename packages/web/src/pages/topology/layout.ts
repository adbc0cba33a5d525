import type { GraphNode } from "./types.js";

/** How deep the graph goes: hosts only, hosts with their containers and pods, or down to processes. */
export type Level = "hosts" | "containers" | "processes";

export interface Placed {
  node: GraphNode;
  x: number;
  y: number;
}

const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));

/**
 * A deterministic layout in O(n): each node's children on a sunflower (phyllotaxis) disc around it, which
 * packs any number of children evenly; the top-level nodes (hosts, then cluster-wide services and ingresses)
 * in rows, each as wide as its disc. The topology is a tree (process in container in pod in host) plus
 * connections, so its shape is known: no force simulation is needed, and the same data always draws the same
 * picture. Returns positions in arbitrary units (the renderer rescales).
 */
export function layout(nodes: readonly GraphNode[]): Placed[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const children = new Map<string, GraphNode[]>();
  const roots: GraphNode[] = [];
  for (const n of nodes) {
    if (n.parent && byId.has(n.parent)) {
      const list = children.get(n.parent);
      if (list) list.push(n);
      else children.set(n.parent, [n]);
    } else roots.push(n);
  }
  // Radius of each node's disc, children first (the tree is at most four deep: host, pod, container, process).
  const radius = new Map<string, number>();
  const spacing = new Map<string, number>();
  const measure = (n: GraphNode): number => {
    const kids = children.get(n.id) ?? [];
    let widest = 0;
    for (const k of kids) widest = Math.max(widest, measure(k));
    const step = kids.length ? 2.2 * widest : 0;
    const r = kids.length ? step * Math.sqrt(kids.length + 1) * 0.6 + widest : 1;
    radius.set(n.id, r);
    spacing.set(n.id, step);
    return r;
  };
  let area = 0;
  for (const r of roots) area += (2 * measure(r)) ** 2;

  const out: Placed[] = [];
  const place = (n: GraphNode, x: number, y: number) => {
    out.push({ node: n, x, y });
    const kids = children.get(n.id) ?? [];
    const step = spacing.get(n.id) ?? 0;
    kids.forEach((k, i) => {
      const r = step * Math.sqrt(i + 1) * 0.6;
      const a = i * GOLDEN_ANGLE;
      place(k, x + r * Math.cos(a), y + r * Math.sin(a));
    });
  };
  // Rows about twice as wide as the whole is tall (the view is wide): hosts first, then cluster-wide nodes.
  const ordered = [...roots].sort((a, b) => Number(a.kind !== "host") - Number(b.kind !== "host"));
  const width = Math.sqrt(area * 2.2);
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  for (const n of ordered) {
    const d = 2 * (radius.get(n.id) ?? 1) * 1.15;
    if (x > 0 && x + d > width) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    place(n, x + d / 2, y + d / 2);
    x += d;
    rowHeight = Math.max(rowHeight, d);
  }
  return out;
}
