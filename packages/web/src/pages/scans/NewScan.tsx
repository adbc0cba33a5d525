import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { ApiError, api } from "../../api/client.js";
import { useData } from "../../api/useData.js";
import { ErrorText } from "../../components/ErrorText.js";
import { SCANNERS, type Scan, type Scanner } from "./model.js";

type Mode = "image-archive" | "sbom" | "node";

interface NodePage {
  nodes: { id: string; hostname: string; status: "online" | "offline" }[];
}

const MODES: { id: Mode; label: string }[] = [
  { id: "image-archive", label: "Upload an image archive" },
  { id: "sbom", label: "Upload an SBOM" },
  { id: "node", label: "Scan on a node" },
];

/** Repeated query parameters: the console reads `scanners=vuln&scanners=secret` as a list. */
const scannersQuery = (s: Scanner[]) => s.map((x) => `&scanners=${x}`).join("");

/**
 * Starting a scan (users who may write): upload an image archive (`docker save` or OCI, plain, gzip or zstd)
 * or an SBOM as the request body, or ask a node's sensor to scan its host, a container or an image.
 */
export function NewScan({ onStarted }: { onStarted: (scan: Scan) => void }) {
  const [mode, setMode] = useState<Mode>("image-archive");
  const [file, setFile] = useState<File>();
  const [name, setName] = useState("");
  const [scanners, setScanners] = useState<Scanner[]>(["vuln", "secret", "malware"]);
  const [nodeId, setNodeId] = useState("");
  const [target, setTarget] = useState<"host" | "container" | "image">("host");
  const [ref, setRef] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [started, setStarted] = useState<Scan>();
  const nodes = useData(() => api.get<NodePage>("/topology/nodes?limit=500"));

  const toggle = (s: Scanner, on: boolean) =>
    setScanners((all) => (on ? [...all, s] : all.filter((x) => x !== s)).sort());

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setStarted(undefined);
    if (mode !== "sbom" && scanners.length === 0) return setError("choose at least one scanner");
    setBusy(true);
    try {
      const named = name.trim() ? `name=${encodeURIComponent(name.trim())}` : "";
      let scan: Scan;
      if (mode === "node") {
        scan = await api.send<Scan>("POST", "/scans/node", {
          nodeId: nodeId || nodes.value?.nodes[0]?.id,
          target: { kind: target, ...(target !== "host" ? { ref: ref.trim() } : {}) },
          scanners,
        });
      } else {
        if (!file) throw new Error("choose a file to upload");
        scan =
          mode === "sbom"
            ? await api.upload<Scan>(`/scans/sbom?${named}`, file)
            : await api.upload<Scan>(`/scans/image-archive?${named}${scannersQuery(scanners)}`, file);
      }
      setStarted(scan);
      onStarted(scan);
    } catch (err) {
      setError(
        err instanceof ApiError
          ? err.message
          : err instanceof Error && err.message.startsWith("choose")
            ? err.message
            : "the console could not be reached",
      );
    } finally {
      setBusy(false);
    }
  };

  const nodeList = nodes.value?.nodes ?? [];
  return (
    <section className="card new-scan" aria-labelledby="new-scan-title">
      <h2 id="new-scan-title">New scan</h2>
      <form onSubmit={submit}>
        <fieldset className="choices">
          <legend>What to scan</legend>
          {MODES.map((m) => (
            <label key={m.id} className="inline">
              <input
                type="radio"
                name="scan-mode"
                value={m.id}
                checked={mode === m.id}
                onChange={() => {
                  setMode(m.id);
                  setError(undefined);
                }}
              />
              {m.label}
            </label>
          ))}
        </fieldset>

        {mode !== "node" && (
          <div className="row">
            <label>
              {mode === "sbom" ? "SBOM file" : "Image archive"}
              <input
                type="file"
                required
                accept={
                  mode === "sbom" ? ".json,application/json" : ".tar,.tar.gz,.tgz,.tar.zst,.zst,application/x-tar"
                }
                onChange={(e) => setFile(e.target.files?.[0])}
              />
            </label>
            <label>
              Name (optional)
              <input
                value={name}
                maxLength={1024}
                placeholder={mode === "sbom" ? "e.g. billing-api 2.3" : "default: the archive's tag"}
                onChange={(e) => setName(e.target.value)}
              />
            </label>
          </div>
        )}
        {mode === "image-archive" && (
          <p className="hint">
            A `docker save` or OCI archive, plain, gzip or zstd (up to the console's upload limit).
          </p>
        )}
        {mode === "sbom" && (
          <p className="hint">CycloneDX or SPDX JSON (Syft's and Trivy's too), matched against the console's DB.</p>
        )}

        {mode === "node" && nodes.value && nodeList.length === 0 && (
          <p className="empty">
            No nodes yet: install a sensor first (<Link to="/settings/sensors">Settings → Sensors</Link>).
          </p>
        )}
        {mode === "node" && nodes.error && <p className="error">{nodes.error}</p>}
        {mode === "node" && nodeList.length > 0 && (
          <div className="row">
            <label>
              Node
              <select aria-label="Node" value={nodeId || nodeList[0]?.id} onChange={(e) => setNodeId(e.target.value)}>
                {nodeList.map((n) => (
                  <option key={n.id} value={n.id}>
                    {n.hostname} ({n.status})
                  </option>
                ))}
              </select>
            </label>
            <label>
              Target
              <select aria-label="Target" value={target} onChange={(e) => setTarget(e.target.value as typeof target)}>
                <option value="host">the host's filesystem</option>
                <option value="container">a running container</option>
                <option value="image">an image on the node</option>
              </select>
            </label>
            {target !== "host" && (
              <label>
                {target === "container" ? "Container name or id" : "Image reference or id"}
                <input value={ref} required maxLength={1024} onChange={(e) => setRef(e.target.value)} />
              </label>
            )}
          </div>
        )}

        {mode !== "sbom" && (
          <fieldset className="choices">
            <legend>Scanners</legend>
            {SCANNERS.map((s) => (
              <label key={s.id} className="inline">
                <input
                  type="checkbox"
                  checked={scanners.includes(s.id)}
                  onChange={(e) => toggle(s.id, e.target.checked)}
                />
                {s.label}
              </label>
            ))}
          </fieldset>
        )}
        {mode !== "sbom" && scanners.includes("posture") && (
          <p className="hint" data-testid="posture-hint">
            {mode === "node"
              ? "Posture checks the node's Linux settings and its container engine against the CIS, NSA, PCI, HIPAA, NIST, SOC 2 and GDPR controls (results on the Posture page)."
              : "Posture checks the image's configuration and build history against the Dockerfile controls (results on the Posture page)."}
          </p>
        )}

        <ErrorText error={error} alert />
        {started && (
          <p role="status">
            Scan of {started.target.ref} started: <Link to={`/scans/${started.id}`}>follow it</Link>.
          </p>
        )}
        <button
          type="submit"
          className="primary"
          disabled={busy || (mode === "node" && nodeList.length === 0)}
          aria-busy={busy}
        >
          {busy
            ? mode === "node"
              ? "Asking the sensor…"
              : "Uploading…"
            : mode === "node"
              ? "Scan node"
              : "Upload and scan"}
        </button>
      </form>
    </section>
  );
}
