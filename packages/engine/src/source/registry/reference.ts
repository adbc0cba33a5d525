import { SourceError } from "../entry.js";

/** A parsed image reference: "alpine" is docker.io/library/alpine:latest. */
export interface ImageReference {
  /** Registry as the user names it: "docker.io", "127.0.0.1:5000", "ghcr.io". */
  readonly registry: string;
  /** Repository path: "library/alpine", "rampart/debian". */
  readonly repository: string;
  readonly tag?: string;
  /** "sha256:…" when pulled by digest (then the tag, if any, is only a label). */
  readonly digest?: string;
}

export const DOCKER_HUB = "docker.io";
/** Where docker.io's Distribution API actually answers. */
const DOCKER_HUB_API = "registry-1.docker.io";

// The grammar of github.com/distribution/reference (reference.go), kept to what a pull needs.
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const DOMAIN =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::\d+)?$/;

/**
 * Parses "alpine", "alpine:3.19", "ghcr.io/org/app@sha256:…", "127.0.0.1:5000/repo:tag", with or without a
 * "registry://" prefix. The first path component is a registry only when it looks like a host (has a "." or
 * a ":" or is "localhost"), as Docker decides.
 */
export function parseReference(input: string): ImageReference {
  const text = input.replace(/^registry:\/\//, "").trim();
  const bad = (why: string) => new SourceError(`invalid image reference ${JSON.stringify(input)}: ${why}`);
  if (!text) throw bad("empty");
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) throw bad("give the registry as host[:port], without a URL scheme");

  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw bad(`digest ${JSON.stringify(digest)} is not sha256:<64 hex> or sha512:<128 hex>`);
  }

  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(`tag ${JSON.stringify(tag)} is not valid`);
  }

  let registry = DOCKER_HUB;
  let repository = rest;
  const slash = rest.indexOf("/");
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes(".") || first.includes(":") || first === "localhost" || first !== first.toLowerCase()) {
      if (!DOMAIN.test(first)) throw bad(`registry ${JSON.stringify(first)} is not a host[:port]`);
      registry = first;
      repository = rest.slice(slash + 1);
    }
  }
  if (registry === "index.docker.io" || registry === DOCKER_HUB_API) registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && !repository.includes("/")) repository = `library/${repository}`;
  if (!repository.split("/").every((c) => COMPONENT.test(c)))
    throw bad(
      `repository ${JSON.stringify(repository)} must be lowercase path components ([a-z0-9] with . _ - separators)`,
    );
  if (!tag && !digest) tag = "latest";
  return { registry, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** host[:port] of the Distribution API for a registry name. */
export const apiHost = (ref: ImageReference): string => (ref.registry === DOCKER_HUB ? DOCKER_HUB_API : ref.registry);

/** "registry/repository:tag@digest", the canonical spelling used in messages and tags. */
export function formatReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`;
}

/** What to ask /v2/<name>/manifests/<reference> for: the digest when given, else the tag. */
export const manifestReference = (ref: ImageReference): string => ref.digest ?? (ref.tag as string);
