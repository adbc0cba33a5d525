import { PackageURL } from "packageurl-js";
import type { InventorySource } from "./inventory.js";

/** An image reference split as the distribution spec reads it: [registry/]repository[:tag][@digest]. */
export interface ImageReference {
  repository: string;
  tag?: string;
  digest?: string;
}

// Lower-case path components separated by "/", the first possibly a registry host[:port].
const REFERENCE =
  /^(?:[A-Za-z0-9][A-Za-z0-9.-]*(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@[a-z0-9]+:[a-f0-9]{32,})?$/;

export function parseImageReference(text: string): ImageReference | undefined {
  if (!REFERENCE.test(text)) return undefined;
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { repository: rest, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

// Transports whose name is a file path, not a reference, even when it happens to parse as one.
const PATH_TRANSPORTS = new Set(["docker-archive", "oci-layout", "oci-archive"]);

/** The image reference a subject is best known by: its first tag, else the name the user gave if it is one. */
export function subjectReference(s: InventorySource): ImageReference | undefined {
  if (s.kind !== "image") return undefined;
  const candidates = [...(s.tags ?? []), ...(PATH_TRANSPORTS.has(s.transport ?? "") ? [] : [s.name])];
  for (const candidate of candidates) {
    const ref = parseImageReference(candidate);
    if (ref) return ref;
  }
  return undefined;
}

/**
 * pkg:oci purl of an image (purl-spec "oci" type): the last path component as name, the manifest digest as
 * version, the repository and tag as qualifiers. Undefined without a manifest digest, which the type needs.
 */
export function imagePurl(s: InventorySource): string | undefined {
  if (s.kind !== "image") return undefined;
  const ref = subjectReference(s);
  const digest = s.manifestDigest ?? ref?.digest;
  if (!digest) return undefined;
  const repository = ref?.repository;
  const name = (repository?.split("/").pop() ?? "image").toLowerCase();
  const q: Record<string, string> = {};
  if (s.architecture) q.arch = s.architecture;
  if (repository?.includes("/")) q.repository_url = repository;
  if (ref?.tag) q.tag = ref.tag;
  return new PackageURL("oci", undefined, name, digest, Object.keys(q).length ? q : undefined, undefined).toString();
}

/** Name and version to show for the subject: repository and tag (or digest) for images, else the name. */
export function subjectNameVersion(s: InventorySource): { name: string; version?: string } {
  const ref = subjectReference(s);
  if (s.kind === "image") {
    const version = ref?.tag ?? s.manifestDigest ?? ref?.digest ?? s.imageId;
    return { name: ref?.repository ?? s.name, ...(version ? { version } : {}) };
  }
  return { name: s.name };
}
