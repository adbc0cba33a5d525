import type { ImageConfig } from "../source/source.js";
import type { FileView } from "./file-view.js";

/** A Kubernetes object as found in a manifest or returned by the API, with where it came from. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
  /** Set by the loader: the manifest file and the line the document starts at (absent for API objects). */
  readonly $source?: { path: string; line: number };
}

/** A Dockerfile's text with its path, or an image's build history standing in for it. */
export interface DockerfileInput {
  path: string;
  content: string;
}

/** A Docker-compatible engine API (Docker or Podman): GET a path, get the parsed JSON. */
export interface DockerApi {
  /** "/info", "/containers/json", "/containers/ID/json", "/version". Rejects on transport or HTTP errors. */
  get(path: string): Promise<unknown>;
  /** The socket's filesystem path, when it has one (for the socket-permission control). */
  readonly socketPath?: string;
}

/**
 * What a posture scan reads. Each part is optional: a root filesystem gives `files`, the live host gives
 * `files` with `live`, a manifest directory gives `kubernetes` (and `dockerfiles`), an engine gives `docker`.
 * Collectors read only the parts they need and produce nothing when theirs is missing.
 */
export interface PostureTarget {
  /** A name for reports: "host", "./rootfs", "k8s/". */
  name: string;
  files?: FileView;
  /** The live host: runtime state under /proc is readable (sysctl values, mounts, processes). */
  live?: { procRoot: string };
  docker?: DockerApi;
  kubernetes?: KubeObject[];
  dockerfiles?: DockerfileInput[];
  /** An image's config: its history stands in for a Dockerfile, its User/Healthcheck are checked directly. */
  image?: { name: string; config: ImageConfig };
}
