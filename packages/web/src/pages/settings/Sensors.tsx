import { useState } from "react";
import { Link } from "react-router";
import { errorMessage } from "../../api/client.js";
import { useCan } from "../../auth/session.js";
import { ErrorText } from "../../components/ErrorText.js";
import { createKey, type NewKey } from "./ApiKeys.js";
import { SettingsFrame } from "./Frame.js";
import { CopyButton } from "./Secret.js";

const KEY_PLACEHOLDER = "rpk_…";
const FINGERPRINT_PLACEHOLDER = "<the SHA-256 fingerprint rampart console printed>";

/**
 * Installing a sensor: the command with this console's URL and a new sensor-scope key filled in, and where
 * the certificate fingerprint comes from (a page cannot read the certificate its connection uses).
 */
export function Sensors() {
  const can = useCan();
  const origin = window.location.origin;
  const [key, setKey] = useState<NewKey>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const apiKey = key?.key ?? KEY_PLACEHOLDER;

  const create = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setKey(await createKey(`sensor ${new Date().toISOString().slice(0, 16).replace("T", " ")}`, "sensor"));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const direct = `RAMPART_API_KEY=${apiKey} rampart sensor --console ${origin} --fingerprint ${FINGERPRINT_PLACEHOLDER}`;
  const kube = [
    "kubectl create namespace rampart",
    `kubectl -n rampart create secret generic rampart-sensor-api-key --from-literal=api-key=${apiKey}`,
    `# in deploy/kubernetes/sensor.yaml's ConfigMap: console-url: "${origin}", console-fingerprint: the fingerprint`,
    "kubectl apply -f deploy/kubernetes/sensor.yaml",
    "kubectl -n rampart rollout status daemonset/rampart-sensor",
  ].join("\n");
  const systemd = [
    "# /etc/rampart/sensor.env (mode 0600, root:root)",
    `RAMPART_API_KEY=${apiKey}`,
    `RAMPART_CONSOLE_URL=${origin}`,
    `RAMPART_CONSOLE_FINGERPRINT=${FINGERPRINT_PLACEHOLDER}`,
    "",
    "install -m 0644 deploy/systemd/rampart-sensor.service /etc/systemd/system/",
    "systemctl daemon-reload && systemctl enable --now rampart-sensor",
  ].join("\n");

  return (
    <SettingsFrame title="Sensors">
      <section className="card" aria-labelledby="sensor-key-title">
        <h2 id="sensor-key-title">1. A sensor key</h2>
        {can.write ? (
          <>
            <p>
              Sensors register with an API key of scope <code>sensor</code>: it can register sensors and nothing else.
              One key can serve many hosts.
            </p>
            {!key && (
              <button type="button" className="primary" onClick={() => void create()} disabled={busy}>
                Create a sensor key
              </button>
            )}
            {key && (
              <p className="warning" role="status">
                A new sensor key ({key.prefix}…) is filled in below. Copy the commands now: the key is not shown again.
              </p>
            )}
            <ErrorText error={error} alert />
          </>
        ) : (
          <p className="empty">
            Read-only users cannot hold API keys: ask a standard user or an admin for a sensor key, then put it in place
            of <code>{KEY_PLACEHOLDER}</code> below.
          </p>
        )}
      </section>

      <section className="card" aria-labelledby="fingerprint-title">
        <h2 id="fingerprint-title">2. The console's certificate fingerprint</h2>
        <p>
          The browser cannot read the certificate's fingerprint for you. <code>rampart console</code> prints it when it
          starts (<q>TLS certificate (self-signed, …/tls/console.crt) SHA-256 fingerprint: AB:CD:…</q>); on the
          console's machine you can also run{" "}
          <code>openssl x509 -in &lt;data dir&gt;/tls/console.crt -noout -fingerprint -sha256</code>. Sensors pin it to
          trust the self-signed certificate. With a certificate from a CA your hosts trust, leave{" "}
          <code>--fingerprint</code> out (or give the CA with <code>--ca</code>).
        </p>
      </section>

      <section className="card" aria-labelledby="install-title">
        <h2 id="install-title">3. Install</h2>
        <h3>On a host, in a shell</h3>
        <pre data-testid="install-command">{direct}</pre>
        <CopyButton text={direct} label="Copy the command" />
        <h3>Kubernetes: the DaemonSet rampart-sensor</h3>
        <p className="hint">
          From a Rampart checkout, <code>deploy/kubernetes/sensor.yaml</code> (namespace, service account, read-only
          ClusterRole, ConfigMap, DaemonSet); how to build its image and why each privilege is there:{" "}
          <code>deploy/README.md</code>.
        </p>
        <pre>{kube}</pre>
        <CopyButton text={kube} label="Copy the Kubernetes commands" />
        <h3>systemd: the unit rampart-sensor.service</h3>
        <p className="hint">
          <code>deploy/systemd/rampart-sensor.service</code> and <code>deploy/systemd/sensor.env.example</code> (a VM, a
          bare-metal, Docker or Podman host; see <code>deploy/README.md</code>).
        </p>
        <pre>{systemd}</pre>
        <CopyButton text={systemd} label="Copy the systemd setup" />
        <p className="hint">
          Registered sensors appear under <Link to="/topology">Topology</Link> within a minute; you can then{" "}
          <Link to="/scans">scan on a node</Link>.
        </p>
      </section>
    </SettingsFrame>
  );
}
