import {
  type Inventory,
  type MalwareFinding,
  type PostureDocument,
  readSbomDocument,
  type SecretFinding,
} from "@rampart/engine";
import { Compile } from "typebox/compile";
import type { StoredUpload } from "../topology/uploads.js";
import { type EngineOutcome, match } from "./engine-run.js";
import { DoneContent, FailedContent, MalwareContent, PostureContent, SecretsContent } from "./sensor-upload.js";
import type { Scanner } from "./tables.js";

const checkSecrets = Compile(SecretsContent);
const checkMalware = Compile(MalwareContent);
const checkPosture = Compile(PostureContent);
const checkDone = Compile(DoneContent);
const checkFailed = Compile(FailedContent);

/** A sensor upload whose content is not what the protocol says: the scan fails with this message. */
export class SensorUploadError extends Error {
  override name = "SensorUploadError";
}

function valid<T>(
  check: { Check(v: unknown): boolean; Errors(v: unknown): Iterable<{ instancePath: string; message: string }> },
  u: StoredUpload,
): T {
  if (check.Check(u.body.content)) return u.body.content as T;
  const first = [...check.Errors(u.body.content)][0];
  throw new SensorUploadError(
    `the sensor's ${u.kind} upload ${u.uploadId} is malformed${first ? `: ${first.instancePath || "/"} ${first.message}` : ""}`,
  );
}

/** Checks a secrets, malware, done or failed upload's content against the protocol. Throws SensorUploadError. */
export function checkContent(u: StoredUpload): void {
  if (u.kind === "secrets") valid(checkSecrets, u);
  else if (u.kind === "malware") valid(checkMalware, u);
  else if (u.kind === "posture") valid(checkPosture, u);
  else if (u.kind === "done") valid(checkDone, u);
  else if (u.kind === "failed") valid(checkFailed, u);
}

/**
 * A sensor scan's results from its uploads: the SBOM (the last one sent) matched against the console's DB,
 * with the secrets, malware and posture results as the sensor found them. Which scanners ran is what was uploaded.
 * Throws SbomError or SensorUploadError with a message for the user.
 */
export function sensorOutcome(
  uploads: readonly StoredUpload[],
  targetRef: string,
  o: { vulnDbDir: string },
): EngineOutcome & { scanners: Scanner[]; image?: string } {
  const sbom = uploads.filter((u) => u.kind === "sbom").at(-1);
  const secrets: SecretFinding[] = [];
  const malware: MalwareFinding[] = [];
  const warnings: string[] = [];
  let sentSecrets = false;
  let sentMalware = false;
  let posture: PostureDocument | undefined;
  let image: string | undefined;
  for (const u of uploads) {
    if (u.kind === "secrets") {
      const c = valid<{ findings: SecretFinding[]; warnings?: string[] }>(checkSecrets, u);
      secrets.push(...c.findings);
      warnings.push(...(c.warnings ?? []));
      sentSecrets = true;
    } else if (u.kind === "malware") {
      const c = valid<{ findings: MalwareFinding[]; warnings?: string[] }>(checkMalware, u);
      malware.push(...c.findings);
      warnings.push(...(c.warnings ?? []));
      sentMalware = true;
    } else if (u.kind === "posture") {
      const { warnings: w, ...doc } = valid<PostureDocument & { warnings?: string[] }>(checkPosture, u);
      posture = doc;
      warnings.push(...(w ?? []));
    } else if (u.kind === "done") {
      const c = valid<{ warnings?: string[]; image?: string }>(checkDone, u);
      warnings.push(...(c.warnings ?? []));
      image = c.image ?? image;
    }
  }
  const inventory: Inventory | undefined = sbom ? readSbomDocument(sbom.body.content, { name: targetRef }) : undefined;
  const scanners: Scanner[] = [
    ...(inventory ? (["vuln"] as const) : []),
    ...(sentSecrets ? (["secret"] as const) : []),
    ...(sentMalware ? (["malware"] as const) : []),
    ...(posture ? (["posture"] as const) : []),
  ];
  const matched = inventory
    ? match(inventory, ["vuln"], o)
    : { source: { kind: "host" as const, name: targetRef }, packageCount: 0, results: { findings: [] }, warnings: [] };
  return {
    ...matched,
    results: {
      findings: matched.results.findings,
      ...(sentSecrets ? { secrets } : {}),
      ...(sentMalware ? { malware } : {}),
      ...(posture ? { posture } : {}),
    },
    warnings: [...warnings, ...matched.warnings],
    scanners,
    ...(image ? { image } : {}),
  };
}
