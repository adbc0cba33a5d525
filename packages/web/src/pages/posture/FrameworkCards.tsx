import { scoreText, shortName } from "./format.js";
import type { FrameworkScore } from "./types.js";

/**
 * Each framework's score as a card; the cards are the framework selector too (a toggle button each), so the
 * table below shows the chosen framework's score.
 */
export function FrameworkCards({
  frameworks,
  selected,
  onSelect,
}: {
  frameworks: FrameworkScore[];
  selected: string;
  onSelect(id: string): void;
}) {
  return (
    <fieldset className="posture-frameworks">
      <legend className="visually-hidden">Framework</legend>
      {frameworks.map((f) => (
        <button
          key={f.id}
          type="button"
          className={`card framework-card${f.id === selected ? " selected" : ""}`}
          aria-pressed={f.id === selected}
          data-testid={`framework-${f.id}`}
          title={f.title}
          onClick={() => onSelect(f.id)}
        >
          <span className="name">{shortName(f.id)}</span>
          <span className="score" data-testid={`framework-${f.id}-score`}>
            {scoreText(f)}
          </span>
          <span className="reqs">
            <span className="sev-low">{f.passed} passed</span> · <span className="sev-critical">{f.failed} failed</span>
            <span className="hint"> · {f.notApplicable} n/a</span>
          </span>
        </button>
      ))}
    </fieldset>
  );
}

/** The framework to show: the one asked for if it is there, else CIS, else the first. */
export function pickFramework(frameworks: { id: string }[], asked: string | null): string {
  if (asked && frameworks.some((f) => f.id === asked)) return asked;
  return frameworks.find((f) => f.id === "cis")?.id ?? frameworks[0]?.id ?? "";
}
