import { type FormEvent, useEffect, useState } from "react";
import { KINDS, SEVERITIES, STATUSES, TEXT_FILTERS, type TextFilter, type View } from "./query.js";
import type { NodeRef } from "./types.js";

const LABELS: Record<TextFilter, { label: string; hint: string }> = {
  image: { label: "Image", hint: "e.g. registry/app:1.0" },
  package: { label: "Package", hint: "a name or a purl" },
  cve: { label: "CVE", hint: "e.g. CVE-2021-44228" },
};

/**
 * The list's filters. Choices (kind, severities, status, KEV, fixable, node, grouping) apply at once; the text
 * filters apply on Enter or "Apply", so each keystroke does not query the console.
 */
export function Filters({ view, nodes, onChange }: { view: View; nodes: NodeRef[]; onChange(next: View): void }) {
  const [text, setText] = useState<Record<TextFilter, string>>({
    image: view.image,
    package: view.package,
    cve: view.cve,
  });
  // The URL is the truth: back/forward or a link brings its own values.
  useEffect(() => setText({ image: view.image, package: view.package, cve: view.cve }), [view]);
  const set = (patch: Partial<View>) => onChange({ ...view, ...patch });
  const apply = (e: FormEvent) => {
    e.preventDefault();
    set({ image: text.image.trim(), package: text.package.trim(), cve: text.cve.trim() });
  };
  const toggleSeverity = (s: string, on: boolean) =>
    set({ severity: SEVERITIES.filter((x) => (x === s ? on : view.severity.includes(x))) });

  return (
    <div className="card findings-filters">
      <fieldset className="kinds">
        <legend className="visually-hidden">Kind</legend>
        {KINDS.map((k) => (
          <button
            key={k.kind}
            type="button"
            className={view.kind === k.kind ? "primary" : ""}
            aria-pressed={view.kind === k.kind}
            onClick={() =>
              // Package, CVE, KEV and fix filters mean something for vulnerabilities only.
              set(
                k.kind === "vuln"
                  ? { kind: k.kind }
                  : { kind: k.kind, group: "", package: "", cve: "", kev: false, fixable: false },
              )
            }
          >
            {k.title}
          </button>
        ))}
      </fieldset>
      <div className="filter-row">
        <fieldset className="severity-filter">
          <legend>Severity</legend>
          {SEVERITIES.map((s) => (
            <label key={s} className="check">
              <input
                type="checkbox"
                checked={view.severity.includes(s)}
                onChange={(e) => toggleSeverity(s, e.target.checked)}
              />
              <span className={`sev-${s}`}>{s}</span>
            </label>
          ))}
        </fieldset>
        <label>
          Status
          <select value={view.status} onChange={(e) => set({ status: e.target.value as View["status"] })}>
            {STATUSES.map((s) => (
              <option key={s.status} value={s.status}>
                {s.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          Node
          <select value={view.node} onChange={(e) => set({ node: e.target.value })}>
            <option value="">Any node</option>
            {nodes.map((n) => (
              <option key={n.id} value={n.id}>
                {n.hostname}
              </option>
            ))}
          </select>
        </label>
        {view.kind === "vuln" && (
          <>
            <label className="check">
              <input type="checkbox" checked={view.kev} onChange={(e) => set({ kev: e.target.checked })} />
              KEV only
            </label>
            <label className="check">
              <input type="checkbox" checked={view.fixable} onChange={(e) => set({ fixable: e.target.checked })} />
              Fixable only
            </label>
            <label>
              Group by
              <select value={view.group} onChange={(e) => set({ group: e.target.value as View["group"] })}>
                <option value="">No grouping</option>
                <option value="cve">CVE</option>
                <option value="package">Package</option>
              </select>
            </label>
          </>
        )}
      </div>
      <form className="filter-row" onSubmit={apply} aria-label="Text filters">
        {TEXT_FILTERS.filter((f) => view.kind === "vuln" || f === "image").map((f) => (
          <label key={f}>
            {LABELS[f].label}
            <input
              type="search"
              value={text[f]}
              placeholder={LABELS[f].hint}
              onChange={(e) => setText({ ...text, [f]: e.target.value })}
            />
          </label>
        ))}
        <button type="submit">Apply</button>
        <button
          type="button"
          className="ghost"
          onClick={() =>
            onChange({
              kind: view.kind,
              severity: [],
              status: "open",
              kev: false,
              fixable: false,
              node: "",
              image: "",
              package: "",
              cve: "",
              group: "",
            })
          }
        >
          Clear filters
        </button>
      </form>
    </div>
  );
}
