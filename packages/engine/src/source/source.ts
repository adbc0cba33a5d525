import type { Readable } from "node:stream";
import type { FileEntry } from "./entry.js";

/** The parts of an OCI image config the scan and the SBOM use (image-spec config.md). */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  config?: {
    Env?: string[];
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    User?: string;
    WorkingDir?: string;
    Labels?: Record<string, string> | null;
    ExposedPorts?: Record<string, unknown> | null;
    /** HEALTHCHECK as the builder recorded it (durations in nanoseconds); Test ["NONE"] disables it. */
    Healthcheck?: {
      Test?: string[];
      Interval?: number;
      Timeout?: number;
      StartPeriod?: number;
      Retries?: number;
    } | null;
  };
  rootfs?: { type: string; diff_ids: string[] };
  history?: Array<{ created?: string; created_by?: string; empty_layer?: boolean; comment?: string }>;
}

/** One filesystem layer of an image. */
export interface Layer {
  /** The uncompressed digest (diffID, "sha256:…"): the layer cache's key and what locations name. */
  readonly diffId: string;
  /** The blob digest as stored (compressed for registries and OCI layouts). */
  readonly digest: string;
  /** Stored size in bytes, when known (progress display). */
  readonly size?: number;
  readonly mediaType?: string;
  /** The history line that made it ("RUN apt-get install …"), when the config records one. */
  readonly createdBy?: string;
  /** Opens the layer blob as stored (compressed or not); the scan detects the compression. */
  open(): Promise<Readable>;
}

export interface ImageSource {
  readonly kind: "image";
  /** What the user named ("lab/vuln-app:1.0", "./app.tar", "registry://…"). */
  readonly name: string;
  /** How it was read ("docker-archive", "oci-layout", "registry", "docker-engine"…). */
  readonly transport: string;
  /** Tags the source knows ("lab/vuln-app:1.0"). */
  readonly tags: string[];
  /** Manifest digest, when the image came with a manifest (registry, OCI layout). */
  readonly manifestDigest?: string;
  /** Config digest = the image ID. */
  readonly configDigest: string;
  readonly config: ImageConfig;
  readonly layers: Layer[];
  /** Releases what the source holds (temp files, sockets). Idempotent. */
  close(): Promise<void>;
}

/** A directory tree, an unpacked root filesystem or the live host: one "layer" without a digest. */
export interface FilesystemSource {
  readonly kind: "filesystem";
  readonly name: string;
  readonly transport: "directory" | "host";
  /** The absolute directory that is "/" for the scan. */
  readonly root: string;
  /** Walks the tree once, without following symlinks, skipping excluded paths. */
  entries(warn: (message: string) => void): AsyncIterable<FileEntry>;
  close(): Promise<void>;
}

export type Source = ImageSource | FilesystemSource;

/** Options every source understands. */
export interface SourceOptions {
  /** "linux/amd64", "linux/arm64/v8": picks from a multi-platform index. Default: the host's. */
  platform?: string;
  /** Registry credentials. */
  username?: string;
  password?: string;
  /** Allow plain HTTP and unverified TLS to a registry (loopback test registries). */
  insecure?: boolean;
  /** Docker/Podman API socket path for docker:// and podman:// references. */
  engineSocket?: string;
  /** Where to put temp files (engine image export, OCI archive unpack). Cleaned on close(). */
  tmpDir?: string;
  /** Extra path prefixes to leave out of filesystem walks. */
  excludes?: string[];
}
