import { createHash } from "node:crypto";
import type { ControlDocument, Finding, MalwareFinding, SecretFinding } from "@rampart/engine";
import type { TargetKind } from "./tables.js";

/**
 * The identity of a finding across scans of one target: what a diff compares and what an accepted state
 * names. Built from what stays the same when nothing changed about the finding itself:
 * - vulnerability: its id and the package's purl;
 * - secret: rule, file, line, and the engine's salted hash of the secret (never the secret);
 * - malware: rule pack, rule, file, and the sha256 of the matching content;
 * - posture: the control (one finding per failing control of a target; its violations are its evidence).
 * Hashed so the key is short and of one length whatever the purl or path.
 */
export function fingerprintOf(
  f:
    | { kind: "vuln"; finding: Finding }
    | { kind: "secret"; finding: SecretFinding }
    | { kind: "malware"; finding: MalwareFinding }
    | { kind: "posture"; finding: ControlDocument },
): string {
  const parts =
    f.kind === "vuln"
      ? [f.finding.id, f.finding.package.purl]
      : f.kind === "secret"
        ? [f.finding.ruleId, f.finding.path, String(f.finding.line), f.finding.fingerprint]
        : f.kind === "malware"
          ? [f.finding.pack, f.finding.ruleId, f.finding.path, f.finding.sha256]
          : [f.finding.id];
  const h = createHash("sha256").update(f.kind);
  for (const p of parts) h.update("\0").update(p);
  return h.digest("hex");
}

/**
 * Which scans look at the same thing. Images and SBOMs uploaded to the console are named by the user or by
 * the image's tag; what a sensor scans belongs to its node (the same image on two nodes is two targets, so the
 * latest scan of one does not hide the other's).
 */
export function targetKeyOf(kind: TargetKind, ref: string, nodeId?: string | null): string {
  switch (kind) {
    case "image-archive":
      return `image:${ref}`;
    case "sbom":
      return `sbom:${ref}`;
    case "host":
      return `node:${nodeId}/host`;
    case "container":
    case "image":
      return `node:${nodeId}/${kind}:${ref}`;
  }
}
