import { useId } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { api } from "../../api/client.js";
import { useData } from "../../api/useData.js";
import { GraphView } from "./GraphView.js";
import type { Level } from "./layout.js";
import { NodesTable } from "./NodesTable.js";
import { NoSensors } from "./NoSensors.js";
import type { GraphNode, TopologyGraph } from "./types.js";

const LEVELS: Level[] = ["hosts", "containers", "processes"];

/** The estate's topology, as a table of hosts or as a graph; the view and level are in the address. */
export function TopologyPage() {
  const [params, setParams] = useSearchParams();
  const levelId = useId();
  const view = params.get("view") === "graph" ? "graph" : "table";
  const level = (LEVELS as string[]).includes(params.get("level") ?? "") ? (params.get("level") as Level) : "hosts";
  const set = (k: string, v: string) =>
    setParams(
      (p) => {
        p.set(k, v);
        return p;
      },
      { replace: true },
    );

  return (
    <div className="page">
      <h1>Topology</h1>
      <div className="topo-toolbar">
        <fieldset aria-label="View" className="segmented">
          <button type="button" aria-pressed={view === "table"} onClick={() => set("view", "table")}>
            Table
          </button>
          <button type="button" aria-pressed={view === "graph"} onClick={() => set("view", "graph")}>
            Graph
          </button>
        </fieldset>
        {view === "graph" && (
          <span className="inline-field">
            <label htmlFor={levelId}>Level</label>
            <select id={levelId} value={level} onChange={(e) => set("level", e.target.value)}>
              {LEVELS.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </select>
          </span>
        )}
      </div>
      {view === "table" ? <NodesTable /> : <EstateGraph level={level} />}
    </div>
  );
}

function EstateGraph({ level }: { level: Level }) {
  const navigate = useNavigate();
  const data = useData(
    // The console folds the estate to the level: what is not drawn is not sent.
    () => api.get<TopologyGraph>(`/topology/graph?level=${level}`),
    level,
  );
  const open = (n: GraphNode) => {
    if (n.nodeId) navigate(`/topology/${n.nodeId}`);
  };
  if (data.error) return <p className="error">{data.error}</p>;
  if (!data.value) return <p className="hint">Loading the graph…</p>;
  if (data.value.nodes.length === 0) return <NoSensors />;
  return (
    <section className="card">
      <GraphView graph={data.value} onOpen={open} label={`Topology graph at the ${level} level`} />
    </section>
  );
}
