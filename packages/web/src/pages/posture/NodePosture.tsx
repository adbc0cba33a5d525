import { Link } from "react-router";
import { api } from "../../api/client.js";
import { useData } from "../../api/useData.js";
import { DataTable } from "../../components/DataTable.js";
import { ErrorText } from "../../components/ErrorText.js";
import { scoreText, when } from "./format.js";
import type { EstatePosture } from "./types.js";

/**
 * A node's posture, for its host page: the latest posture scan of each of its targets (the host, its containers
 * and images) with controls by status and the CIS score, each linking to the scan's posture page. Self-contained:
 * give it the node's id.
 */
export function NodePosture({ nodeId }: { nodeId: string }) {
  const estate = useData(() => api.get<EstatePosture>("/posture"), nodeId);
  const targets = estate.value?.targets.filter((t) => t.nodeId === nodeId) ?? [];
  return (
    <section className="card" aria-labelledby="node-posture-title">
      <h2 id="node-posture-title">Compliance posture</h2>
      <ErrorText error={estate.error} />
      {estate.value && targets.length === 0 && (
        <p className="empty">
          No posture scan of this node yet: start one on the <Link to="/scans">Scans</Link> page ("Scan on a node", with
          the scanner "Posture (compliance)"), or run <code>rampart scan host --scanners posture</code> on it.
        </p>
      )}
      {targets.length > 0 && (
        <DataTable columns={["Target", "Scanned", "Pass", "Fail", "N/A", "CIS score"]}>
          {targets.map((t) => (
            <tr key={t.targetKey}>
              <td>
                <Link to={`/scans/${encodeURIComponent(t.scanId)}/posture`}>{t.targetRef}</Link>
              </td>
              <td>{when(t.scannedAt)}</td>
              <td className="num">{t.posture.controls.pass ?? 0}</td>
              <td className="num">{t.posture.controls.fail ?? 0}</td>
              <td className="num">{t.posture.controls["not-applicable"] ?? 0}</td>
              <td className="num">{scoreText(t.posture.frameworks.find((f) => f.id === "cis"))}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
