// The bench's page: the web UI's own graph component (the one /topology uses) fed with a generated graph
// served as /graph.json, the way the console would serve GET /topology/graph. No router, no session.
import { createRoot } from "react-dom/client";
import { GraphView } from "../../packages/web/src/pages/topology/GraphView.js";
import type { TopologyGraph } from "../../packages/web/src/pages/topology/types.js";
import "../../packages/web/src/styles.css";

const started = performance.now();
const graph = (await (await fetch("/graph.json")).json()) as TopologyGraph;
document.body.dataset.loadMs = (performance.now() - started).toFixed(1);
const root = document.getElementById("root");
if (root) {
  document.body.dataset.mountAt = String(performance.now());
  createRoot(root).render(
    <div className="page">
      <GraphView graph={graph} onOpen={() => undefined} label="generated topology" />
    </div>,
  );
}
