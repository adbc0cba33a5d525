import { SourceError } from "./entry.js";
import { formatPlatform, type Platform, platformMatches } from "./platform.js";

/** OCI / Docker descriptors, manifests and indexes (image-spec descriptor.md, manifest.md, image-index.md). */
export interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: Partial<Platform> & { "os.version"?: string };
  annotations?: Record<string, string>;
}

export interface ImageManifest {
  schemaVersion?: number;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface ImageIndex {
  schemaVersion?: number;
  mediaType?: string;
  manifests: Descriptor[];
}

export const MEDIA = {
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
} as const;

export const isIndex = (doc: { mediaType?: string; manifests?: unknown }): boolean =>
  doc.mediaType === MEDIA.ociIndex ||
  doc.mediaType === MEDIA.dockerList ||
  (doc.mediaType === undefined && Array.isArray(doc.manifests));

/** Picks the manifest for `wanted` from an index; attestation manifests (platform unknown/unknown) never match. */
export function selectPlatform(index: ImageIndex, wanted: Platform, label: string): Descriptor {
  const hit = index.manifests.find((m) => platformMatches(m.platform, wanted));
  if (hit) return hit;
  const offered = index.manifests
    .map((m) => (m.platform ? formatPlatform(m.platform as Platform) : undefined))
    .filter((p): p is string => !!p && p !== "unknown/unknown");
  throw new SourceError(
    `${label}: no image for platform ${formatPlatform(wanted)}; available: ${offered.join(", ") || "none"}`,
  );
}

export function checkManifest(doc: unknown, label: string): ImageManifest {
  const m = doc as ImageManifest;
  if (!m || typeof m !== "object" || !m.config?.digest || !Array.isArray(m.layers))
    throw new SourceError(`${label}: not an image manifest (config or layers missing)`);
  return m;
}
