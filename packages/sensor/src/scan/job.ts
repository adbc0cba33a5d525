import type { MalwareFinding, SecretFinding } from "@rampart/engine";

/** What the sensor asks its scan worker to read. */
export type ScanSubject =
  /** The host's root filesystem (virtual filesystems and container storage left out). */
  | { kind: "host"; root: string; name: string }
  /** A running container's root filesystem, through /proc/PID/root of one of its processes. */
  | { kind: "container"; root: string; name: string }
  /** A local image, exported through the container engine's API socket. */
  | { kind: "image"; engine: "docker" | "podman"; socket: string; name: string };

export interface ScanJob {
  subject: ScanSubject;
  /** Content scanners to run in the same pass (the SBOM is always made). */
  scanners: ("secret" | "malware")[];
  /** Where the worker writes its ScanOutput (JSON). */
  out: string;
  /** Scratch space (image exports). */
  tmpDir: string;
}

/** What the worker wrote: the upload contents, ready to send. */
export interface ScanOutput {
  /** CycloneDX 1.6 JSON of the packages found. */
  sbom: Record<string, unknown>;
  secrets?: SecretFinding[];
  malware?: MalwareFinding[];
  warnings: string[];
  packages: number;
}
