import { shortName } from "./format.js";
import type { Control } from "./types.js";

/** Only http(s) links are made clickable: a control's reference is data, not trusted markup. */
const safeUrl = (u: string) => /^https?:\/\//i.test(u);

/**
 * A control, whole: why it matters, how to fix it, each failing subject with its evidence (and the file and
 * line when the subject is a file), the framework requirements it maps to, and its references. Used by a scan's
 * posture page (a control expanded) and by a posture finding's page.
 */
export function ControlFacts({ control: c }: { control: Control }) {
  const frameworks = Object.entries(c.frameworks).filter(([, ids]) => ids.length > 0);
  return (
    <div className="control-facts" data-testid={`control-facts-${c.id}`}>
      <dl className="facts">
        <dt>Control</dt>
        <dd>
          <code>{c.id}</code> · {c.platform} · level {c.level}
          {c.origin !== "builtin" && <span className="hint"> · from {c.origin}</span>}
        </dd>
        <dt>Rationale</dt>
        <dd>{c.rationale}</dd>
        <dt>Remediation</dt>
        <dd className="remediation" data-testid="remediation">
          {c.remediation}
        </dd>
        {c.reason && (
          <>
            <dt>{c.status === "error" ? "Why it could not be evaluated" : "Why"}</dt>
            <dd>{c.reason}</dd>
          </>
        )}
        <dt>Checked</dt>
        <dd>
          {c.subjects} {c.subjects === 1 ? "subject" : "subjects"}
          {c.violations.length > 0 && `, ${c.violations.length} failing`}
        </dd>
      </dl>
      {c.violations.length > 0 && (
        <section aria-label={`Failing subjects of ${c.title}`}>
          <h3 className="facts-heading">Failing subjects</h3>
          <ul className="violations">
            {c.violations.map((v, i) => (
              // Subjects repeat only in malformed documents; the index keeps keys unique regardless.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              <li key={`${v.subject}${i}`} data-testid="violation">
                <strong className="subject">{v.subject}</strong>
                {v.location && (
                  <code className="path" data-testid="location">
                    {v.location.path}
                    {v.location.line !== undefined && `:${v.location.line}`}
                  </code>
                )}
                {v.evidence.length > 0 && (
                  <ul className="evidence">
                    {v.evidence.map((e) => (
                      <li key={e}>
                        <code>{e}</code>
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      {frameworks.length > 0 && (
        <section aria-label={`Frameworks of ${c.title}`}>
          <h3 className="facts-heading">Frameworks</h3>
          <ul className="mappings">
            {frameworks.map(([f, ids]) => (
              <li key={f}>
                <span className="framework">{shortName(f)}</span> {ids.join(", ")}
              </li>
            ))}
          </ul>
        </section>
      )}
      {!!c.references?.length && (
        <section aria-label={`References of ${c.title}`}>
          <h3 className="facts-heading">References</h3>
          <ul className="refs">
            {c.references.map((r) => (
              <li key={r}>
                {safeUrl(r) ? (
                  <a href={r} target="_blank" rel="noreferrer noopener">
                    {r}
                  </a>
                ) : (
                  r
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
