import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { api } from "../../api/client.js";
import { useData } from "../../api/useData.js";
import { ago, tagList } from "./format.js";
import { NoSensors } from "./NoSensors.js";
import type { NodePage, NodeStatus, NodeSummary } from "./types.js";

const PAGE = 25;

/**
 * The API lists nodes by hostname, optionally of one status. Sorting by status is the online list then the
 * offline one (or the reverse), each by hostname: a page position is a segment and that segment's cursor.
 */
type Sort = "hostname" | "status-online" | "status-offline";
const SEGMENTS: Record<Sort, (NodeStatus | undefined)[]> = {
  hostname: [undefined],
  "status-online": ["online", "offline"],
  "status-offline": ["offline", "online"],
};
interface Position {
  segment: number;
  cursor?: string;
}

async function loadPage(sort: Sort, at: Position): Promise<{ nodes: NodeSummary[]; next: Position | null }> {
  const segments = SEGMENTS[sort];
  let pos: Position = at;
  for (;;) {
    const status = segments[pos.segment];
    const q = new URLSearchParams({ limit: String(PAGE) });
    if (status) q.set("status", status);
    if (pos.cursor) q.set("cursor", pos.cursor);
    const page = await api.get<NodePage>(`/topology/nodes?${q}`);
    const next: Position | null = page.next
      ? { segment: pos.segment, cursor: page.next }
      : pos.segment + 1 < segments.length
        ? { segment: pos.segment + 1 }
        : null;
    // An empty segment (no offline nodes…) is skipped rather than shown as an empty page.
    if (page.nodes.length === 0 && next && !pos.cursor) {
      pos = next;
      continue;
    }
    return { nodes: page.nodes, next };
  }
}

const COUNTED = ["processes", "listening", "connections", "containers", "images", "pods"] as const;

/** The registered hosts, a page at a time: status, last seen, tags and what each holds; a row opens the host. */
export function NodesTable() {
  const navigate = useNavigate();
  const [sort, setSort] = useState<Sort>("hostname");
  const [trail, setTrail] = useState<Position[]>([{ segment: 0 }]);
  const at = trail[trail.length - 1] as Position;
  const page = useData(() => loadPage(sort, at), `${sort} ${at.segment} ${at.cursor ?? ""}`);

  const sortBy = (s: Sort) => {
    setSort(s);
    setTrail([{ segment: 0 }]);
  };
  const statusSort = sort === "hostname" ? "none" : sort === "status-online" ? "ascending" : "descending";

  if (page.value && page.value.nodes.length === 0 && trail.length === 1) return <NoSensors />;

  return (
    <section className="card" aria-labelledby="hosts-title">
      <h2 id="hosts-title">Hosts</h2>
      {page.error && <p className="error">{page.error}</p>}
      <table className="topo-table">
        <thead>
          <tr>
            <th scope="col" aria-sort={sort === "hostname" ? "ascending" : "none"}>
              <button type="button" className="ghost sort" onClick={() => sortBy("hostname")}>
                Hostname {sort === "hostname" ? "▲" : ""}
              </button>
            </th>
            <th scope="col" aria-sort={statusSort}>
              <button
                type="button"
                className="ghost sort"
                onClick={() => sortBy(sort === "status-online" ? "status-offline" : "status-online")}
              >
                Status {sort === "status-online" ? "▲" : sort === "status-offline" ? "▼" : ""}
              </button>
            </th>
            <th scope="col">Last seen</th>
            <th scope="col">OS</th>
            <th scope="col">Tags</th>
            {COUNTED.map((c) => (
              <th scope="col" key={c} className="num">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {page.value?.nodes.map((n) => (
            <tr
              key={n.id}
              className="clickable"
              data-testid={`node-row-${n.hostname}`}
              onClick={() => navigate(`/topology/${n.id}`)}
            >
              <td>
                <Link to={`/topology/${n.id}`} onClick={(e) => e.stopPropagation()}>
                  {n.hostname}
                </Link>
              </td>
              <td>
                <span className={`badge status-${n.status}`}>{n.status}</span>
              </td>
              <td title={n.lastSeenAt}>{ago(n.lastSeenAt)}</td>
              <td>{n.os ?? "—"}</td>
              <td className="where">{tagList(n.tags) || "—"}</td>
              {COUNTED.map((c) => (
                <td key={c} className="num">
                  {n.counts[c] ?? 0}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {!page.value && !page.error && <p className="hint">Loading…</p>}
      <nav className="pager" aria-label="Pages of hosts">
        <button type="button" disabled={trail.length === 1} onClick={() => setTrail((t) => t.slice(0, -1))}>
          Previous
        </button>
        <span className="hint">Page {trail.length}</span>
        <button
          type="button"
          disabled={!page.value?.next}
          onClick={() => {
            const next = page.value?.next;
            if (next) setTrail((t) => [...t, next]);
          }}
        >
          Next
        </button>
      </nav>
    </section>
  );
}
