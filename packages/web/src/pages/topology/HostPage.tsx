import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { ApiError, api } from "../../api/client.js";
import { useData } from "../../api/useData.js";
import { useCan } from "../../auth/session.js";
import { NodePosture } from "../posture/index.js";
import { ago, tagList } from "./format.js";
import { GraphView } from "./GraphView.js";
import type { GraphNode, NodeSummary, Snapshot, TopologyGraph } from "./types.js";

interface Scan {
  id: string;
  target: { kind: string; ref: string };
  scanners: string[];
  state: string;
  createdAt: string;
  summary: { total?: number } | null;
}
interface Counts {
  total: number;
  bySeverity: Record<string, number>;
}

const PROCESSES_SHOWN = 200;

/** One host: what it is, what runs and listens on it, what it talks to, its scans and findings. */
export function HostPage() {
  const { nodeId = "" } = useParams();
  const id = encodeURIComponent(nodeId);
  const node = useData(() => api.get<{ node: NodeSummary; snapshot: Snapshot }>(`/topology/nodes/${id}`), nodeId);
  if (node.error) {
    return (
      <div className="page">
        <h1>Host</h1>
        <p className="error">{node.error}</p>
        <Link to="/topology">Back to the topology</Link>
      </div>
    );
  }
  if (!node.value) return <p className="loading">Loading…</p>;
  const { node: n, snapshot: s } = node.value;
  const procOf = new Map(s.processes.map((p) => [p.pid, p]));
  const proc = (pid?: number) => {
    if (pid === undefined) return "—";
    const p = procOf.get(pid);
    return p ? `${p.exe.split("/").pop() || p.command} (${pid})` : `pid ${pid}`;
  };
  const imageName = (imageId: string, image: string) =>
    s.images.find((i) => i.id === imageId)?.names[0] ?? (image || imageId.slice(0, 19));

  return (
    <div className="page">
      <p className="hint">
        <Link to="/topology">Topology</Link> / host
      </p>
      <h1>{n.hostname}</h1>
      <div className="grid two">
        <section className="card" aria-labelledby="host-title">
          <h2 id="host-title">Host</h2>
          <dl className="topo-facts">
            <dt>Status</dt>
            <dd>
              <span className={`badge status-${n.status}`}>{n.status}</span>
            </dd>
            <dt>Last seen</dt>
            <dd title={n.lastSeenAt}>{ago(n.lastSeenAt)}</dd>
            <dt>OS</dt>
            <dd>{s.host?.os || n.os || "—"}</dd>
            <dt>Kernel</dt>
            <dd>{s.host?.kernel || "—"}</dd>
            <dt>Interfaces</dt>
            <dd>
              {s.host?.interfaces.length
                ? s.host.interfaces.map((i) => `${i.name}: ${i.addresses.join(", ") || "no address"}`).join(" · ")
                : "—"}
            </dd>
            <dt>Cloud</dt>
            <dd>
              {s.host?.cloud
                ? `${s.host.cloud.provider} ${s.host.cloud.region} ${s.host.cloud.instanceId}`.trim()
                : "none reported"}
            </dd>
            <dt>Tags</dt>
            <dd>{tagList(n.tags) || "—"}</dd>
            <dt>Sensor</dt>
            <dd>{n.agentVersion ?? "—"}</dd>
          </dl>
        </section>
        <ScansAndFindings nodeId={nodeId} />
        <NodePosture nodeId={nodeId} />
      </div>

      <section className="card" aria-labelledby="listening-title">
        <h2 id="listening-title">Listening sockets ({s.listening.length})</h2>
        {s.listening.length === 0 ? (
          <p className="empty">Nothing listens on this host (as of its last report).</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Proto</th>
                <th scope="col">Address</th>
                <th scope="col">Port</th>
                <th scope="col">Process</th>
                <th scope="col">Command</th>
              </tr>
            </thead>
            <tbody>
              {s.listening.map((l) => (
                <tr key={`${l.proto} ${l.address} ${l.port} ${l.containerId ?? ""}`}>
                  <td>{l.proto}</td>
                  <td>{l.address}</td>
                  <td className="num">{l.port}</td>
                  <td>{proc(l.pid)}</td>
                  <td className="where">{(l.pid !== undefined && procOf.get(l.pid)?.command) || "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="card" aria-labelledby="connections-title">
        <h2 id="connections-title">Connections ({s.connections.length})</h2>
        {s.connections.length === 0 ? (
          <p className="empty">No open connections in the last report.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Proto</th>
                <th scope="col">Local → remote</th>
                <th scope="col">Process</th>
              </tr>
            </thead>
            <tbody>
              {s.connections.map((c) => (
                <tr key={`${c.proto} ${c.local.address}:${c.local.port} ${c.remote.address}:${c.remote.port}`}>
                  <td>{c.proto}</td>
                  <td>
                    {c.local.address}:{c.local.port} → {c.remote.address}:{c.remote.port}
                  </td>
                  <td>{proc(c.pid)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <div className="grid two">
        <section className="card" aria-labelledby="containers-title">
          <h2 id="containers-title">Containers ({s.containers.length})</h2>
          {s.containers.length === 0 ? (
            <p className="empty">No containers.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Image</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {s.containers.map((c) => (
                  <tr key={c.id}>
                    <td title={c.id}>{c.name || c.id.slice(0, 12)}</td>
                    <td className="where">{imageName(c.imageId, c.image)}</td>
                    <td>{c.state}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section className="card" aria-labelledby="pods-title">
          <h2 id="pods-title">Pods ({s.pods.length})</h2>
          {s.pods.length === 0 ? (
            <p className="empty">No pods.</p>
          ) : (
            <ul className="topo-list">
              {s.pods.map((p) => (
                <li key={p.uid}>
                  {p.namespace}/{p.name} <span className="hint">{(p.ips ?? []).join(", ")}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      <section className="card" aria-labelledby="processes-title">
        <h2 id="processes-title">Processes ({s.processes.length})</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">PID</th>
              <th scope="col">User</th>
              <th scope="col">Command</th>
            </tr>
          </thead>
          <tbody>
            {s.processes.slice(0, PROCESSES_SHOWN).map((p) => (
              <tr key={p.pid}>
                <td className="num">{p.pid}</td>
                <td>{p.user}</td>
                <td className="where">{p.command || p.exe}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {s.processes.length > PROCESSES_SHOWN && (
          <p className="hint">
            The first {PROCESSES_SHOWN} of {s.processes.length}, by pid.
          </p>
        )}
      </section>

      <Neighbourhood nodeId={nodeId} hostname={n.hostname} />
    </div>
  );
}

function Neighbourhood({ nodeId, hostname }: { nodeId: string; hostname: string }) {
  const navigate = useNavigate();
  const graph = useData(
    () => api.get<TopologyGraph>(`/topology/graph?nodeId=${encodeURIComponent(nodeId)}&processes=connected`),
    nodeId,
  );
  const open = (n: GraphNode) => {
    if (n.nodeId && n.nodeId !== nodeId) navigate(`/topology/${n.nodeId}`);
  };
  return (
    <section className="card" aria-labelledby="neighbourhood-title">
      <h2 id="neighbourhood-title">Neighbourhood</h2>
      {graph.error && <p className="error">{graph.error}</p>}
      {graph.value && (
        <GraphView
          graph={graph.value}
          onOpen={open}
          label={`What ${hostname} runs and what it connects to`}
          className="topo-graph small"
        />
      )}
    </section>
  );
}

function ScansAndFindings({ nodeId }: { nodeId: string }) {
  const { write } = useCan();
  const q = encodeURIComponent(nodeId);
  const scans = useData(() => api.get<{ scans: Scan[] }>(`/scans?node=${q}&limit=5`), nodeId);
  const counts = useData(() => api.get<Counts>(`/findings/counts?node=${q}`), nodeId);
  const [started, setStarted] = useState<Scan>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const scan = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const s = await api.send<Scan>("POST", "/scans/node", {
        nodeId,
        target: { kind: "host" },
        scanners: ["vuln", "secret", "malware", "posture"],
      });
      setStarted(s);
      scans.reload();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "the console could not be reached");
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="scans-title">
      <h2 id="scans-title">Scans and findings</h2>
      {counts.error && <p className="error">{counts.error}</p>}
      {counts.value && (
        <p data-testid="host-findings">
          <strong>{counts.value.total}</strong> open findings
          {counts.value.total > 0 &&
            ` (${Object.entries(counts.value.bySeverity)
              .filter(([, v]) => v > 0)
              .map(([k, v]) => `${v} ${k}`)
              .join(", ")})`}{" "}
          · <Link to={`/findings?node=${q}`}>see them</Link>
        </p>
      )}
      {write && (
        <p>
          <button type="button" className="primary" disabled={busy} onClick={() => void scan()}>
            Scan this host
          </button>
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {started && (
        <p role="status">
          Scan {started.state}: <Link to={`/scans/${started.id}`}>open the scan</Link>
        </p>
      )}
      {scans.error && <p className="error">{scans.error}</p>}
      {scans.value?.scans.length === 0 && (
        <p className="empty">
          Not scanned yet.{write ? " Scan this host to see its vulnerabilities, secrets and malware." : ""}
        </p>
      )}
      {!!scans.value?.scans.length && (
        <table>
          <caption className="hint">Latest scans</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Target</th>
              <th scope="col">State</th>
              <th scope="col">Findings</th>
            </tr>
          </thead>
          <tbody>
            {scans.value.scans.map((s) => (
              <tr key={s.id}>
                <td title={s.createdAt}>
                  <Link to={`/scans/${s.id}`}>{ago(s.createdAt)}</Link>
                </td>
                <td>
                  {s.target.kind} {s.target.ref}
                </td>
                <td>{s.state}</td>
                <td className="num">{s.summary?.total ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
