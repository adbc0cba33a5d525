import type { MalwareFinding, PostureDocument, SecretFinding } from "@rampart/engine";

/** What the sensor asks its scan worker to read. */
export type ScanSubject =
  /** The host's root filesystem (virtual filesystems and container storage left out). */
  | {
      kind: "host";
      root: string;
      name: string;
      /** The host's /proc (runtime state for posture: sysctl values, mounts). */
      procRoot: string;
      /** A container engine's API socket, for the posture of its daemon and containers. */
      engineSocket?: string;
    }
  /** A running container's root filesystem, through /proc/PID/root of one of its processes. */
  | { kind: "container"; root: string; name: string }
  /** A local image, exported through the container engine's API socket. */
  | { kind: "image"; engine: "docker" | "podman"; socket: string; name: string };

export interface ScanJob {
  subject: ScanSubject;
  /**
   * What to look for: "vuln" makes the SBOM (matched on the console), "secret" and "malware" read the files in
   * the same pass, "posture" checks the configuration. A posture-only scan reads no package or file content.
   */
  scanners: ("vuln" | "secret" | "malware" | "posture")[];
  /** Where the worker writes its ScanOutput (JSON). */
  out: string;
  /** Scratch space (image exports). */
  tmpDir: string;
}

/** What the worker wrote: the upload contents, ready to send. */
export interface ScanOutput {
  /** CycloneDX 1.6 JSON of the packages found (absent when only posture was asked). */
  sbom?: Record<string, unknown>;
  secrets?: SecretFinding[];
  malware?: MalwareFinding[];
  posture?: PostureDocument;
  warnings: string[];
  packages: number;
}
