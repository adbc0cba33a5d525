import { Fragment } from "react";
import { SeverityBadge } from "../../components/Badges.js";
import { DataTable } from "../../components/DataTable.js";
import { ControlFacts } from "./ControlFacts.js";
import { STATUSES, StatusBadge } from "./format.js";
import type { Control, ControlStatus } from "./types.js";

const SEVERITIES = ["critical", "high", "medium", "low"] as const;
const ORDER: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3 };

export interface ControlFilter {
  status: ControlStatus | "all";
  severity: string;
  platform: string;
}

/**
 * Every control the scan evaluated, filtered by status (failing by default), severity and platform, the most
 * severe first; a control's title expands it in place to its rationale, remediation and evidence.
 */
export function ControlsList({
  controls,
  filter,
  onFilter,
  expanded,
  onToggle,
}: {
  controls: Control[];
  filter: ControlFilter;
  onFilter(f: ControlFilter): void;
  expanded: ReadonlySet<string>;
  onToggle(id: string): void;
}) {
  const platforms = [...new Set(controls.map((c) => c.platform))].sort();
  const count = (s: ControlStatus) => controls.filter((c) => c.status === s).length;
  const shown = controls
    .filter(
      (c) =>
        (filter.status === "all" || c.status === filter.status) &&
        (!filter.severity || c.severity === filter.severity) &&
        (!filter.platform || c.platform === filter.platform),
    )
    .sort((a, b) => (ORDER[a.severity] ?? 9) - (ORDER[b.severity] ?? 9) || a.id.localeCompare(b.id));

  return (
    <section className="card" aria-labelledby="controls-title">
      <h2 id="controls-title">
        Controls <span className="count posture-aside">({shown.length})</span>
      </h2>
      <div className="filter-row posture-filters">
        <label>
          Status
          <select
            aria-label="Status"
            value={filter.status}
            onChange={(e) => onFilter({ ...filter, status: e.target.value as ControlFilter["status"] })}
          >
            {STATUSES.map((s) => (
              <option key={s.status} value={s.status}>
                {s.label} ({count(s.status)})
              </option>
            ))}
            <option value="all">All statuses ({controls.length})</option>
          </select>
        </label>
        <label>
          Severity
          <select
            aria-label="Severity"
            value={filter.severity}
            onChange={(e) => onFilter({ ...filter, severity: e.target.value })}
          >
            <option value="">Any severity</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Platform
          <select
            aria-label="Platform"
            value={filter.platform}
            onChange={(e) => onFilter({ ...filter, platform: e.target.value })}
          >
            <option value="">Any platform</option>
            {platforms.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
      </div>
      {shown.length === 0 ? (
        <p className="empty">
          {filter.status === "fail" && !filter.severity && !filter.platform
            ? "No control failed: every control that applied passed."
            : "No control matches these filters."}
        </p>
      ) : (
        <DataTable className="posture-controls" columns={["Severity", "Control", "Platform", "Status", "Failing"]}>
          {shown.map((c) => {
            const open = expanded.has(c.id);
            return (
              <Fragment key={c.id}>
                <tr id={`control-${c.id}`} data-testid={`control-${c.id}`} className={open ? "open" : ""}>
                  <td>
                    <SeverityBadge severity={c.severity} />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="link"
                      aria-expanded={open}
                      aria-controls={`control-facts-row-${c.id}`}
                      onClick={() => onToggle(c.id)}
                    >
                      <span aria-hidden="true">{open ? "▾" : "▸"} </span>
                      {c.title}
                    </button>
                    <span className="hint block">
                      <code>{c.id}</code>
                    </span>
                  </td>
                  <td>{c.platform}</td>
                  <td>
                    <StatusBadge status={c.status} />
                  </td>
                  <td className="num">{c.status === "fail" ? `${c.violations.length} / ${c.subjects}` : "—"}</td>
                </tr>
                {open && (
                  <tr id={`control-facts-row-${c.id}`} className="control-detail">
                    <td colSpan={5}>
                      <ControlFacts control={c} />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </DataTable>
      )}
    </section>
  );
}
