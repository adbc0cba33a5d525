import { useState } from "react";
import { DataTable } from "../../components/DataTable.js";
import { StatusBadge, scoreText, shortName } from "./format.js";
import type { Control, Framework } from "./types.js";

/**
 * One framework on one scan: its score, and its requirements with their status and the controls mapped to each
 * (a control's name shows it in the list below). Requirements no control applied to are hidden until asked for:
 * a host scan leaves most of the Kubernetes ones so.
 */
export function FrameworkView({
  frameworks,
  selected,
  onSelect,
  controls,
  onShowControl,
}: {
  frameworks: Framework[];
  selected: string;
  onSelect(id: string): void;
  controls: Map<string, Control>;
  onShowControl(id: string): void;
}) {
  const [showNa, setShowNa] = useState(false);
  const f = frameworks.find((x) => x.id === selected);
  const requirements = (f?.requirements ?? []).filter((r) => showNa || r.status !== "not-applicable");
  return (
    <section className="card" aria-labelledby="framework-title">
      <h2 id="framework-title">Frameworks</h2>
      <div className="filter-row posture-filters">
        <label>
          Framework
          <select aria-label="Framework" value={selected} onChange={(e) => onSelect(e.target.value)}>
            {frameworks.map((x) => (
              <option key={x.id} value={x.id}>
                {shortName(x.id)} ({scoreText(x)})
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={showNa} onChange={(e) => setShowNa(e.target.checked)} />
          Show requirements that did not apply
        </label>
      </div>
      {f && (
        <>
          <p className="framework-score" data-testid="framework-score">
            <span className="big">{scoreText(f)}</span> <span className="hint">{f.title}</span>
            <span className="block">
              <span className="sev-low">{f.passed} requirements passed</span> ·{" "}
              <span className="sev-critical">{f.failed} failed</span> ·{" "}
              <span className="hint">{f.notApplicable} not applicable</span>
            </span>
          </p>
          {requirements.length === 0 ? (
            <p className="empty">No requirement of {shortName(f.id)} applied to this target.</p>
          ) : (
            <DataTable className="posture-requirements" columns={["Requirement", "Status", "Controls"]}>
              {requirements.map((r) => (
                <tr key={r.id} data-testid={`requirement-${r.id}`}>
                  <td>
                    <strong>{r.id}</strong>
                    {r.title && <span className="hint block">{r.title}</span>}
                  </td>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td>
                    <RequirementControls ids={r.controls} controls={controls} onShowControl={onShowControl} />
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
        </>
      )}
    </section>
  );
}

/**
 * A requirement's controls: the failing ones (and those in error) listed, the others folded away behind their
 * counts, since a broad requirement (NIST CM-6, PCI DSS 2.2.6) maps a hundred controls on a host.
 */
function RequirementControls({
  ids,
  controls,
  onShowControl,
}: {
  ids: string[];
  controls: Map<string, Control>;
  onShowControl(id: string): void;
}) {
  const item = (id: string) => {
    const c = controls.get(id);
    return (
      <li key={id}>
        {c ? (
          <>
            <StatusBadge status={c.status} />
            <button type="button" className="link" onClick={() => onShowControl(id)}>
              {c.title}
            </button>
          </>
        ) : (
          <code>{id}</code>
        )}
      </li>
    );
  };
  const status = (id: string) => controls.get(id)?.status;
  const shown = ids.filter((id) => status(id) === "fail" || status(id) === "error");
  const folded = ids.filter((id) => !shown.includes(id));
  const passed = folded.filter((id) => status(id) === "pass").length;
  return (
    <>
      {shown.length > 0 && <ul className="requirement-controls">{shown.map(item)}</ul>}
      {folded.length > 0 && (
        <details>
          <summary>
            {passed} passed · {folded.length - passed} not applicable
          </summary>
          <ul className="requirement-controls">{folded.map(item)}</ul>
        </details>
      )}
    </>
  );
}
