import { Link } from "react-router";

/** What to do when no posture scan exists yet: the CLI command, and where in the UI to start one. */
export function HowToScan({ canScan }: { canScan: boolean }) {
  return (
    <div className="empty" data-testid="posture-empty">
      <p>
        No posture scan yet. Scan a host with the posture scanner: its Linux settings and its container engine are
        checked against CIS, NSA-CISA, PCI DSS, HIPAA, NIST 800-53, SOC 2 and GDPR controls. On the host:{" "}
        <code className="command">rampart scan host --scanners posture</code>
      </p>
      <p>
        {canScan ? (
          <>
            Or from the console: <Link to="/scans">Scans</Link> → New scan → "Scan on a node" (or "Upload an image
            archive", checked against the Dockerfile controls) with the scanner "Posture (compliance)" ticked.
          </>
        ) : (
          'Users who may write (standard or admin) can start one from the Scans page, with the scanner "Posture (compliance)" ticked.'
        )}
      </p>
    </div>
  );
}
