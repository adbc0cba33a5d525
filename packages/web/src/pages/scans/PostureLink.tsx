import { Link } from "react-router";
import type { Scan } from "./model.js";

/** A scan that ran the posture scanner: its controls by status, the CIS score, and the way to its posture page. */
export function PostureLink({ scan }: { scan: Scan }) {
  const p = scan.summary?.posture;
  if (!p) return null;
  const cis = p.frameworks.find((f) => f.id === "cis");
  return (
    <section className="card" aria-labelledby="scan-posture-title" data-testid="scan-posture">
      <h2 id="scan-posture-title">Compliance posture</h2>
      <p>
        <strong>{p.controls.fail ?? 0}</strong> controls failed, <strong>{p.controls.pass ?? 0}</strong> passed,{" "}
        {p.controls["not-applicable"] ?? 0} did not apply
        {p.controls.error ? `, ${p.controls.error} could not be evaluated` : ""}
        {cis?.score !== undefined && (
          <>
            {" "}
            · CIS score <strong>{cis.score} %</strong>
          </>
        )}
        .
      </p>
      <p>
        <Link to={`/scans/${encodeURIComponent(scan.id)}/posture`}>Posture details: frameworks and controls</Link>
      </p>
    </section>
  );
}
