import { Link } from "react-router";
import { api } from "../api/client.js";
import { useData } from "../api/useData.js";
import { DataTable } from "../components/DataTable.js";
import { ErrorText } from "../components/ErrorText.js";
import { FindingCells, findingTitle, type ListedFinding } from "../components/FindingCells.js";
import { SeverityCounts } from "../components/SeverityCounts.js";
import { DashboardPosture } from "./posture/index.js";

const SEVERITIES = ["critical", "high", "medium", "low"] as const;
const KINDS = [
  { kind: "vuln", title: "Vulnerabilities" },
  { kind: "secret", title: "Secrets" },
  { kind: "malware", title: "Malware" },
] as const;

interface Counts {
  total: number;
  bySeverity: Record<string, number>;
}
interface Finding extends ListedFinding {
  imageRef: string | null;
  targetKey: string;
  detail: { risk?: { why?: string }; title?: string; ruleId?: string; description?: string };
}
interface NodePage {
  nodes: { id: string; hostname: string; status: "online" | "offline" }[];
  next: string | null;
}
interface Status {
  version?: string;
  storage: string;
  vulnDb:
    | { present: false; problem: string }
    | { present: true; feeds: { name: string; ageSeconds: number; stale: boolean; records: number }[] };
}

const age = (s: number) =>
  s < 3600 ? `${Math.round(s / 60)} min` : s < 172_800 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86_400)} days`;

/** The estate at a glance: counts by severity, the ten riskiest findings and why, the sensors, the feeds. */
export function Dashboard() {
  const counts = useData(() =>
    Promise.all(KINDS.map((k) => api.get<Counts>(`/findings/counts?kind=${k.kind}`))).then((all) =>
      Object.fromEntries(KINDS.map((k, i) => [k.kind, all[i] as Counts])),
    ),
  );
  const top = useData(() => api.get<{ findings: Finding[] }>("/findings?limit=10"));
  const nodes = useData(() =>
    Promise.all([
      api.get<NodePage>("/topology/nodes?status=online&limit=500"),
      api.get<NodePage>("/topology/nodes?status=offline&limit=500"),
    ]),
  );
  const status = useData(() => api.get<Status>("/system/status"));
  const noSensors = nodes.value && nodes.value[0].nodes.length + nodes.value[1].nodes.length === 0;

  return (
    <div className="page">
      <h1>Dashboard</h1>
      <section className="grid counts" aria-label="Findings by severity">
        {KINDS.map(({ kind, title }) => (
          <SeverityCounts
            key={kind}
            title={title}
            total={counts.value?.[kind]?.total}
            bySeverity={counts.value?.[kind]?.bySeverity}
            severities={SEVERITIES}
            testId={`count-${kind}`}
          />
        ))}
      </section>
      <ErrorText error={counts.error} />

      <DashboardPosture />

      <section className="card" aria-labelledby="top-title">
        <h2 id="top-title">Top 10 by risk</h2>
        <ErrorText error={top.error} />
        {top.value?.findings.length === 0 && (
          <p className="empty">
            No findings yet. Upload an image or an SBOM to scan (POST /api/v1/scans/image-archive, /scans/sbom), or ask
            a sensor to scan its node (POST /api/v1/scans/node).
          </p>
        )}
        {!!top.value?.findings.length && (
          <DataTable columns={["Risk", "Severity", "Finding", "Where", "Why"]}>
            {top.value.findings.map((f) => (
              <tr key={f.id}>
                <FindingCells id={f.id} risk={f.risk} severity={f.severity} kev={f.kev} title={findingTitle(f)} />
                <td className="where">{f.imageRef ?? f.path ?? f.targetKey}</td>
                <td className="why">{f.detail.risk?.why ?? ""}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>

      <div className="grid two">
        <section className="card" aria-labelledby="nodes-title">
          <h2 id="nodes-title">Sensors</h2>
          <ErrorText error={nodes.error} />
          {nodes.value && !noSensors && (
            <p>
              <strong data-testid="nodes-online">
                {nodes.value[0].nodes.length}
                {nodes.value[0].next ? "+" : ""}
              </strong>{" "}
              online ·{" "}
              <strong data-testid="nodes-offline">
                {nodes.value[1].nodes.length}
                {nodes.value[1].next ? "+" : ""}
              </strong>{" "}
              offline
            </p>
          )}
          {noSensors && (
            <div className="empty">
              <p>
                No sensors yet. On each host, with a sensor API key (
                <Link to="/settings/sensors">Settings → Sensors</Link>
                fills one in):
              </p>
              <pre>
                {`RAMPART_API_KEY=rpk_… rampart sensor --console ${window.location.origin} --fingerprint <the fingerprint rampart console printed>`}
              </pre>
              <p>
                Or start the console with <code>--local-sensor</code> to report this machine.
              </p>
            </div>
          )}
        </section>
        <section className="card" aria-labelledby="feeds-title">
          <h2 id="feeds-title">Vulnerability data</h2>
          <ErrorText error={status.error} />
          {status.value && !status.value.vulnDb.present && (
            <p className="error">No vulnerability DB: {status.value.vulnDb.problem}. Run `rampart db update`.</p>
          )}
          {status.value?.vulnDb.present && (
            <ul className="feeds">
              {status.value.vulnDb.feeds.map((f) => (
                <li key={f.name} className={f.stale ? "stale" : ""}>
                  <span>{f.name}</span> <span>{age(f.ageSeconds)} old</span>
                  {f.stale && <strong> stale</strong>}
                </li>
              ))}
            </ul>
          )}
          {status.value && <p className="hint">Storage: {status.value.storage}</p>}
        </section>
      </div>
    </div>
  );
}
