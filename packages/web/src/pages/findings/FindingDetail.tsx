import type { ReactNode } from "react";
import { Link, useParams } from "react-router";
import { api } from "../../api/client.js";
import { useData } from "../../api/useData.js";
import { SeverityBadges } from "../../components/Badges.js";
import { ErrorText } from "../../components/ErrorText.js";
import { ControlFacts } from "../posture/ControlFacts.js";
import { Decision } from "./Decision.js";
import { controlOf, day, malwareOf, nameOf, percent, riskText, secretOf, vulnOf } from "./format.js";
import type { Finding } from "./types.js";

/** A term and its description, in a <dl>. */
function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** An outside link: a new tab, no referrer, no access back to this page. */
const External = ({ href, children }: { href: string; children?: ReactNode }) => (
  <a href={href} target="_blank" rel="noreferrer noopener">
    {children ?? href}
  </a>
);

/** Only http(s) links are made clickable: a feed's reference is data, not trusted markup. */
const safeUrl = (u: string) => /^https?:\/\//i.test(u);

/** One finding, whole: what it is, why it ranks where it does, the evidence, and the decision on it. */
export function FindingDetail() {
  const { id = "" } = useParams();
  const finding = useData(() => api.get<Finding>(`/findings/${encodeURIComponent(id)}`), id);
  const f = finding.value;
  return (
    <div className="page finding-detail">
      <p>
        <Link to="/findings">← Findings</Link>
      </p>
      <ErrorText error={finding.error} />
      {!f && !finding.error && <p className="hint">Loading…</p>}
      {f && (
        <>
          <header>
            <h1>{f.kind === "vuln" ? `${nameOf(f)}${vulnOf(f).title ? `: ${vulnOf(f).title}` : ""}` : nameOf(f)}</h1>
            <p>
              <SeverityBadges severity={f.severity} kev={f.kev} />
              <span className="badge">{f.status}</span>
            </p>
          </header>
          <section className="card" aria-labelledby="risk-title">
            <h2 id="risk-title">Risk</h2>
            <p className="big" data-testid="risk">
              {riskText(f.risk)}
              <span className="hint"> / 100</span>
            </p>
            {f.kind === "vuln" && vulnOf(f).risk?.why && <p className="why">{vulnOf(f).risk?.why}</p>}
            {f.kind !== "vuln" && (
              <p className="hint">Secrets, malware and failed controls rank by their rule's or control's severity.</p>
            )}
            {f.kind === "vuln" && vulnOf(f).risk?.ssvc && (
              <p>
                SSVC (CISA BOD 26-04): <strong>{vulnOf(f).risk?.ssvc?.outcome}</strong>
                {vulnOf(f).risk?.ssvc?.dueDate && <>, remediate by {vulnOf(f).risk?.ssvc?.dueDate}</>}
              </p>
            )}
          </section>
          {f.kind === "vuln" && <VulnFacts f={f} />}
          {f.kind === "secret" && <SecretFacts f={f} />}
          {f.kind === "malware" && <MalwareFacts f={f} />}
          {f.kind === "posture" && (
            <section className="card" aria-labelledby="evidence-title">
              <h2 id="evidence-title">Evidence</h2>
              <ControlFacts control={controlOf(f)} />
              <p>
                <Link to={`/scans/${encodeURIComponent(f.scanId)}/posture`}>Every control of this scan</Link>
              </p>
            </section>
          )}
          <section className="card" aria-labelledby="target-title">
            <h2 id="target-title">Target and scan</h2>
            <dl className="facts">
              <Fact term="Target">{f.targetKey}</Fact>
              {f.imageRef && <Fact term="Image">{f.imageRef}</Fact>}
              {f.nodeId && (
                <Fact term="Node">
                  <Link to={`/topology/${encodeURIComponent(f.nodeId)}`}>{f.nodeId}</Link>
                </Fact>
              )}
              <Fact term="Scan">
                <Link to={`/scans/${encodeURIComponent(f.scanId)}`}>
                  <code>{f.scanId}</code>
                </Link>
              </Fact>
            </dl>
          </section>
          <Decision finding={f} onChanged={finding.reload} />
        </>
      )}
    </div>
  );
}

function VulnFacts({ f }: { f: Finding }) {
  const v = vulnOf(f);
  const location = v.package?.locations[0];
  return (
    <>
      <section className="card" aria-labelledby="scores-title">
        <h2 id="scores-title">Scores</h2>
        <dl className="facts">
          {(v.cvss ?? []).map((c) => (
            <Fact key={`${c.version}${c.vector}`} term={`CVSS ${c.version}`}>
              <strong>{c.baseScore}</strong> <span className={`sev-${c.severity}`}>{c.severity}</span>{" "}
              <code data-testid="cvss-vector">{c.vector}</code> <span className="hint">({c.source})</span>
            </Fact>
          ))}
          {!v.cvss?.length && <Fact term="CVSS">no vector published</Fact>}
          <Fact term="Severity source">
            {v.severitySource ?? "—"}
            {v.vendorSeverity && ` (vendor: ${v.vendorSeverity})`}
          </Fact>
          <Fact term="EPSS">
            {v.epss ? (
              <span data-testid="epss">
                {percent(v.epss.score)} chance of exploitation in 30 days · percentile {percent(v.epss.percentile)}{" "}
                <span className="hint">({v.epss.date})</span>
              </span>
            ) : (
              "no score"
            )}
          </Fact>
          <Fact term="KEV">
            {v.kev ? (
              <span data-testid="kev">
                In CISA's Known Exploited Vulnerabilities since {v.kev.dateAdded}
                {v.kev.dueDate && `, due ${v.kev.dueDate}`}
                {v.kev.ransomware && " · used in ransomware campaigns"}
                {v.kev.requiredAction && <span className="hint block">{v.kev.requiredAction}</span>}
              </span>
            ) : (
              "not in the catalog"
            )}
          </Fact>
          <Fact term="Fix">
            {v.fixedVersions?.length ? (
              <span data-testid="fix">fixed in {v.fixedVersions.join(", ")}</span>
            ) : (
              "no fixed version yet"
            )}
          </Fact>
          {v.published && <Fact term="Published">{day(v.published)}</Fact>}
          {!!v.aliases?.length && <Fact term="Also known as">{v.aliases.join(", ")}</Fact>}
        </dl>
      </section>
      <section className="card" aria-labelledby="evidence-title">
        <h2 id="evidence-title">Evidence</h2>
        <dl className="facts">
          {v.package && (
            <Fact term="Package">
              {v.package.name} {v.package.version} <code>{v.package.purl}</code>
            </Fact>
          )}
          {v.matchedOn && (
            <Fact term="Matched on">
              {v.matchedOn.ecosystem}: {v.matchedOn.name} {v.matchedOn.version}
            </Fact>
          )}
          {(v.package?.locations ?? []).map((l) => (
            <Fact key={`${l.path}${l.member?.join("!")}${l.layer}`} term="Path">
              <code>{[l.path, ...(l.member ?? [])].join("!")}</code>
              {l.layer && (
                <span className="hint block">
                  layer <code>{l.layer}</code>
                </span>
              )}
            </Fact>
          ))}
          {!location && f.path && <Fact term="Path">{f.path}</Fact>}
        </dl>
        {v.description && (
          <details>
            <summary>Description</summary>
            <p className="description">{v.description}</p>
          </details>
        )}
      </section>
      {!!v.references?.length && (
        <section className="card" aria-labelledby="refs-title">
          <h2 id="refs-title">References</h2>
          <ul className="refs">
            {v.references.map((r) => (
              <li key={r}>{safeUrl(r) ? <External href={r} /> : r}</li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

function SecretFacts({ f }: { f: Finding }) {
  const s = secretOf(f);
  return (
    <section className="card" aria-labelledby="evidence-title">
      <h2 id="evidence-title">Evidence</h2>
      <dl className="facts">
        <Fact term="Rule">{s.ruleId}</Fact>
        <Fact term="Secret (masked)">
          <code>{s.preview}</code>
        </Fact>
        {s.snippet && (
          <Fact term="Line (masked)">
            <code>{s.snippet}</code>
          </Fact>
        )}
        <Fact term="Path">
          <code>
            {s.path}:{s.line}:{s.column}
          </code>
        </Fact>
        {s.layer && (
          <Fact term="Layer">
            <code>{s.layer}</code>
          </Fact>
        )}
        {s.entropy !== undefined && <Fact term="Entropy">{s.entropy} bits per character</Fact>}
      </dl>
      <p className="hint">Rotate the secret, then remove it from the image; the console never holds it unmasked.</p>
    </section>
  );
}

function MalwareFacts({ f }: { f: Finding }) {
  const m = malwareOf(f);
  return (
    <section className="card" aria-labelledby="evidence-title">
      <h2 id="evidence-title">Evidence</h2>
      <dl className="facts">
        <Fact term="Rule">
          {m.ruleId} <span className="hint">({m.pack} rules)</span>
        </Fact>
        {m.description && <Fact term="Detects">{m.description}</Fact>}
        {m.class && <Fact term="Class">{m.class}</Fact>}
        <Fact term="Path">
          <code>{m.path}</code>
        </Fact>
        {m.archive && (
          <Fact term="In archive">
            <code>
              {m.archive.archive}!{m.archive.member}
            </code>
          </Fact>
        )}
        {m.layer && (
          <Fact term="Layer">
            <code>{m.layer}</code>
          </Fact>
        )}
        <Fact term="SHA-256">
          <code>{m.sha256}</code> ({m.size} bytes)
        </Fact>
        {!!m.hits?.length && (
          <Fact term="Matched">
            {m.hits.map((h) => `${h.identifier} at ${h.offset} (${h.length} bytes)`).join(", ")}
          </Fact>
        )}
        {m.reference && (
          <Fact term="Reference">{safeUrl(m.reference) ? <External href={m.reference} /> : m.reference}</Fact>
        )}
      </dl>
    </section>
  );
}
