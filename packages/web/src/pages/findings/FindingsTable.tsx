import { Link, useNavigate } from "react-router";
import { SeverityBadges } from "../../components/Badges.js";
import { DataTable } from "../../components/DataTable.js";
import { controlOf, fixOf, malwareOf, nameOf, percent, riskText, secretOf, subjectsOf } from "./format.js";
import type { Finding, Kind } from "./types.js";

const HEADERS: Record<Kind, string[]> = {
  vuln: ["Risk", "Severity", "CVE", "Package", "Where", "EPSS"],
  secret: ["Risk", "Severity", "Secret", "Preview (masked)", "Where"],
  malware: ["Risk", "Severity", "Rule", "What it detects", "Where"],
  posture: ["Risk", "Severity", "Control", "Failing subjects", "Where"],
};

/** Where a finding is: its image or node, and the file. */
export function Where({ f, hostnames }: { f: Finding; hostnames: Map<string, string> }) {
  const on = f.imageRef ?? (f.nodeId ? (hostnames.get(f.nodeId) ?? f.nodeId) : f.targetKey);
  return (
    <>
      <span>{on}</span>
      {f.path && <span className="path">{f.path}</span>}
    </>
  );
}

/** Findings of one kind, riskiest first as the API ranks them; a row (or its name, by keyboard) opens it. */
export function FindingsTable({
  kind,
  findings,
  hostnames,
}: {
  kind: Kind;
  findings: Finding[];
  hostnames: Map<string, string>;
}) {
  const navigate = useNavigate();
  return (
    <DataTable className="findings-table" columns={HEADERS[kind]}>
      {findings.map((f) => (
        <tr key={f.id} className="clickable" onClick={() => navigate(`/findings/${f.id}`)}>
          <td className="num" data-testid="risk">
            {riskText(f.risk)}
          </td>
          <td>
            <SeverityBadges severity={f.severity} kev={f.kev} />
          </td>
          <td>
            <Link to={`/findings/${f.id}`} onClick={(e) => e.stopPropagation()}>
              {nameOf(f)}
            </Link>
          </td>
          <td>
            {kind === "vuln" && f.package && (
              <>
                <code>
                  {f.package.name}@{f.package.version}
                </code>
                {fixOf(f) ? <span className="fix">fix {fixOf(f)}</span> : <span className="hint block">no fix</span>}
              </>
            )}
            {kind === "secret" && <code>{secretOf(f).preview}</code>}
            {kind === "malware" && (malwareOf(f).description ?? malwareOf(f).class ?? "")}
            {kind === "posture" && (
              <>
                <span data-testid="subjects">{subjectsOf(f)}</span>
                <span className="hint block">
                  <code>{controlOf(f).id}</code> · {controlOf(f).platform}
                </span>
              </>
            )}
          </td>
          <td className="where">
            <Where f={f} hostnames={hostnames} />
          </td>
          {kind === "vuln" && <td className="num">{f.epss === null ? "—" : percent(f.epss)}</td>}
        </tr>
      ))}
    </DataTable>
  );
}
