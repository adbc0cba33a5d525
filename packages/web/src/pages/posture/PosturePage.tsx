import { Link, useSearchParams } from "react-router";
import { api } from "../../api/client.js";
import { useData } from "../../api/useData.js";
import { useCan } from "../../auth/session.js";
import { DataTable } from "../../components/DataTable.js";
import { ErrorText } from "../../components/ErrorText.js";
import { FrameworkCards, pickFramework } from "./FrameworkCards.js";
import { scoreText, shortName, when } from "./format.js";
import { HowToScan } from "./HowToScan.js";
import type { EstatePosture } from "./types.js";

const KIND_LABELS: Record<string, string> = {
  "image-archive": "image archive",
  host: "host",
  container: "container",
  image: "node image",
  sbom: "SBOM",
};

/**
 * Compliance posture across the estate: each framework's score summed over every target's latest posture
 * scan, and the targets, each with its controls by status and the chosen framework's score.
 */
export function PosturePage() {
  const can = useCan();
  const [params, setParams] = useSearchParams();
  const estate = useData(() => api.get<EstatePosture>("/posture"));
  const frameworks = estate.value?.frameworks ?? [];
  const framework = pickFramework(frameworks, params.get("framework"));
  const select = (id: string) => setParams(id === "cis" ? {} : { framework: id }, { replace: true });

  return (
    <div className="page posture-page">
      <h1>Posture</h1>
      <ErrorText error={estate.error} />
      {!estate.value && !estate.error && <p className="loading">Loading…</p>}
      {estate.value?.targets.length === 0 && (
        <section className="card">
          <HowToScan canScan={can.write} />
        </section>
      )}
      {!!estate.value?.targets.length && (
        <>
          <section aria-labelledby="estate-title">
            <h2 id="estate-title">
              Estate score by framework{" "}
              <span className="hint posture-aside">(requirements over every target's latest posture scan)</span>
            </h2>
            <FrameworkCards frameworks={frameworks} selected={framework} onSelect={select} />
          </section>
          <section className="card" aria-labelledby="targets-title">
            <h2 id="targets-title">Targets</h2>
            <DataTable
              className="posture-targets"
              columns={[
                "Target",
                "Kind",
                "Scanned",
                "Pass",
                "Fail",
                "N/A",
                "Error",
                { key: "score", label: `${shortName(framework)} score` },
              ]}
            >
              {estate.value.targets.map((t) => {
                const c = t.posture.controls;
                return (
                  <tr key={t.targetKey} data-testid={`posture-target-${t.scanId}`}>
                    <td>
                      <Link to={`/scans/${encodeURIComponent(t.scanId)}/posture`}>{t.targetRef}</Link>
                    </td>
                    <td>{KIND_LABELS[t.targetKind] ?? t.targetKind}</td>
                    <td>{when(t.scannedAt)}</td>
                    <td className="num sev-low" data-testid="pass">
                      {c.pass ?? 0}
                    </td>
                    <td className="num sev-critical" data-testid="fail">
                      {c.fail ?? 0}
                    </td>
                    <td className="num" data-testid="not-applicable">
                      {c["not-applicable"] ?? 0}
                    </td>
                    <td className="num" data-testid="error">
                      {c.error ?? 0}
                    </td>
                    <td className="num" data-testid="score">
                      {scoreText(t.posture.frameworks.find((f) => f.id === framework))}
                    </td>
                  </tr>
                );
              })}
            </DataTable>
          </section>
        </>
      )}
    </div>
  );
}
