import { Link } from "react-router";
import { api } from "../../api/client.js";
import { useData } from "../../api/useData.js";
import { useCan } from "../../auth/session.js";
import { ErrorText } from "../../components/ErrorText.js";
import { SeverityCounts } from "../../components/SeverityCounts.js";
import { scoreText, shortName } from "./format.js";
import { HowToScan } from "./HowToScan.js";
import type { EstatePosture } from "./types.js";

const SEVERITIES = ["critical", "high", "medium", "low"] as const;
/** The framework the dashboard shows: CIS, the benchmark every platform's controls follow. */
const HEADLINE = "cis";

interface Counts {
  total: number;
  bySeverity: Record<string, number>;
}

/** The dashboard's posture: failed controls by severity (open posture findings) and the estate's CIS score. */
export function DashboardPosture() {
  const can = useCan();
  const counts = useData(() => api.get<Counts>("/findings/counts?kind=posture"));
  const estate = useData(() => api.get<EstatePosture>("/posture"));
  const none = estate.value?.targets.length === 0;
  const headline =
    estate.value?.frameworks.find((f) => f.id === HEADLINE) ??
    estate.value?.frameworks.find((f) => f.score !== undefined);

  return (
    <section className="card dashboard-posture" aria-labelledby="posture-title">
      <h2 id="posture-title">Compliance posture</h2>
      <ErrorText error={estate.error ?? counts.error} />
      {none && <HowToScan canScan={can.write} />}
      {estate.value && !none && (
        <div className="grid two">
          <SeverityCounts
            title="Failed controls"
            total={counts.value?.total}
            bySeverity={counts.value?.bySeverity}
            severities={SEVERITIES}
            testId="count-posture"
          />
          <div className="card" data-testid="posture-score">
            <h2>{headline ? `${shortName(headline.id)} score` : "Score"}</h2>
            <p className="big">{scoreText(headline)}</p>
            {headline && (
              <p className="hint">
                {headline.passed} requirements passed, {headline.failed} failed over {estate.value.targets.length}{" "}
                {estate.value.targets.length === 1 ? "target" : "targets"}
              </p>
            )}
            <p>
              <Link to="/posture">All frameworks and targets</Link>
            </p>
          </div>
        </div>
      )}
    </section>
  );
}
