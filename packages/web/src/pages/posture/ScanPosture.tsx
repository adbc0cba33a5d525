import { useEffect, useMemo, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { api } from "../../api/client.js";
import { useData } from "../../api/useData.js";
import { ErrorText } from "../../components/ErrorText.js";
import { type ControlFilter, ControlsList } from "./ControlsList.js";
import { pickFramework } from "./FrameworkCards.js";
import { FrameworkView } from "./FrameworkView.js";
import { STATUSES } from "./format.js";
import type { ControlStatus, PostureDocument } from "./types.js";

interface ScanHead {
  id: string;
  target: { ref: string };
  createdAt: string;
}

const statusOf = (s: string | null): ControlFilter["status"] =>
  s === "all" || STATUSES.some((x) => x.status === s) ? (s as ControlStatus | "all") : "fail";

/**
 * One scan's posture: the framework view (requirements and the controls mapped to each) and every control it
 * evaluated, failing ones first shown. The framework and the filters live in the URL.
 */
export function ScanPosture() {
  const { id = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const scan = useData(() => api.get<ScanHead>(`/scans/${encodeURIComponent(id)}`), id);
  const doc = useData(() => api.get<PostureDocument>(`/scans/${encodeURIComponent(id)}/posture`), id);
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const controls = useMemo(() => new Map((doc.value?.controls ?? []).map((c) => [c.id, c])), [doc.value]);

  // The filters are state here (each change applies to the latest, however quickly they follow each other) and
  // mirrored into the URL, so a view can be shared and survives a reload.
  const [view, setView] = useState<ControlFilter & { framework: string }>(() => ({
    framework: params.get("framework") ?? "",
    status: statusOf(params.get("status")),
    severity: params.get("severity") ?? "",
    platform: params.get("platform") ?? "",
  }));
  const framework = pickFramework(doc.value?.frameworks ?? [], view.framework);
  const filter: ControlFilter = { status: view.status, severity: view.severity, platform: view.platform };
  const update = (patch: Partial<ControlFilter & { framework: string }>) => setView((v) => ({ ...v, ...patch }));
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a change of the view writes the URL
  useEffect(() => {
    const p = new URLSearchParams();
    if (view.framework && view.framework !== "cis") p.set("framework", view.framework);
    if (view.status !== "fail") p.set("status", view.status);
    if (view.severity) p.set("severity", view.severity);
    if (view.platform) p.set("platform", view.platform);
    setParams(p, { replace: true });
  }, [view]);
  const toggle = (c: string) =>
    setExpanded((all) => {
      const next = new Set(all);
      if (!next.delete(c)) next.add(c);
      return next;
    });
  /** From a requirement to its control: shown whatever the filters, opened, and scrolled to. */
  const showControl = (c: string) => {
    update({ status: "all", severity: "", platform: "" });
    setExpanded((all) => new Set(all).add(c));
    requestAnimationFrame(() => document.getElementById(`control-${c}`)?.scrollIntoView({ block: "start" }));
  };

  const summary = doc.value?.summary;
  return (
    <div className="page posture-page">
      <p className="crumbs">
        <Link to="/posture">← Posture</Link> · <Link to={`/scans/${encodeURIComponent(id)}`}>the scan</Link>
      </p>
      <h1>Posture of {scan.value?.target.ref ?? "…"}</h1>
      <ErrorText error={doc.error ?? scan.error} />
      {!doc.value && !doc.error && <p className="loading">Loading…</p>}
      {doc.value && summary && (
        <>
          <section className="card" aria-label="Controls by status">
            <ul className="posture-summary">
              {STATUSES.map((s) => (
                <li key={s.status} className={`status-${s.status}`} data-testid={`summary-${s.status}`}>
                  <strong>{summary[s.status] ?? 0}</strong> <span>{s.label.toLowerCase()}</span>
                </li>
              ))}
              <li className="hint">platforms: {doc.value.platforms.join(", ") || "—"}</li>
            </ul>
          </section>
          <FrameworkView
            frameworks={doc.value.frameworks}
            selected={framework}
            onSelect={(f) => update({ framework: f })}
            controls={controls}
            onShowControl={showControl}
          />
          <ControlsList
            controls={doc.value.controls}
            filter={filter}
            onFilter={(f) => update(f)}
            expanded={expanded}
            onToggle={toggle}
          />
        </>
      )}
    </div>
  );
}
