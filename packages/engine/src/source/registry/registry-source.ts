import { SourceError } from "../entry.js";
import { layerHistory, parseConfig } from "../image.js";
import { checkManifest, type Descriptor, type ImageIndex, isIndex, MEDIA, selectPlatform } from "../manifest.js";
import { hostPlatform, type Platform, parsePlatform } from "../platform.js";
import type { ImageSource, Layer, SourceOptions } from "../source.js";
import { type ClientOptions, type FetchedManifest, RegistryClient } from "./client.js";
import { type Credentials, storedCredentials } from "./credentials.js";
import { formatReference, manifestReference, parseReference } from "./reference.js";
import { digestAlgorithm } from "./verify.js";

const CONFIG_LIMIT = 16 * 1024 * 1024;
/** An index may point at another index; more than this many levels is a loop or nonsense. */
const MAX_INDEX_DEPTH = 4;
const SCHEMA1 = /^application\/vnd\.docker\.distribution\.manifest\.v1\+(prettyjws|json)$/;

export interface RegistryOptions extends SourceOptions {
  /** Test hook: shorter timeouts than the defaults. */
  timeoutMs?: number;
}

/**
 * Opens an image in a registry ("alpine", "ghcr.io/org/app:1", "127.0.0.1:5000/repo@sha256:…",
 * "registry://…"): reads its manifest (picking the platform from a multi-platform index) and config; layers
 * stream from the registry, verified against their digests, when the scan opens them.
 */
export async function openRegistryImage(reference: string, opts: RegistryOptions = {}): Promise<ImageSource> {
  const ref = parseReference(reference);
  const label = formatReference(ref);
  const wanted = platformOf(opts.platform);
  const credentials = await credentialsFor(ref.registry, opts);
  const clientOpts: ClientOptions = { insecure: opts.insecure ?? false };
  if (credentials) clientOpts.credentials = credentials;
  if (opts.timeoutMs) clientOpts.timeoutMs = opts.timeoutMs;
  const client = await RegistryClient.connect(ref, clientOpts);
  try {
    const fetched = await resolveImageManifest(client, manifestReference(ref), wanted, label);
    const manifest = checkManifest(parseJson(fetched, label), label);
    const config = parseConfig(
      label,
      await client.blobBytes(manifest.config.digest, manifest.config.size, CONFIG_LIMIT, `${label}: config`),
    );
    const diffIds = config.rootfs?.diff_ids ?? [];
    if (diffIds.length !== manifest.layers.length)
      throw new SourceError(
        `${label}: manifest lists ${manifest.layers.length} layers but the config has ${diffIds.length} diff_ids`,
      );
    const history = layerHistory(config);
    let closed = false;
    const layers = manifest.layers.map((d, i): Layer => {
      if (typeof d?.digest !== "string") throw new SourceError(`${label}: layer ${i} of the manifest has no digest`);
      const createdBy = history[i];
      return {
        diffId: diffIds[i] as string,
        digest: d.digest,
        ...(typeof d.size === "number" ? { size: d.size } : {}),
        ...(d.mediaType ? { mediaType: d.mediaType } : {}),
        ...(createdBy ? { createdBy } : {}),
        open: () => {
          if (closed) return Promise.reject(new SourceError(`${label}: image source is closed`));
          return client.openBlob(d.digest, typeof d.size === "number" ? d.size : undefined, `${label}: layer ${i}`);
        },
      };
    });
    return {
      kind: "image",
      name: reference,
      transport: "registry",
      tags: ref.tag ? [`${ref.registry}/${ref.repository}:${ref.tag}`] : [],
      manifestDigest: fetched.digest,
      configDigest: manifest.config.digest,
      config,
      layers,
      close: async () => {
        closed = true;
        client.close();
      },
    };
  } catch (e) {
    client.close();
    throw e;
  }
}

function platformOf(text: string | undefined): Platform {
  if (!text) return hostPlatform();
  try {
    return parsePlatform(text);
  } catch (e) {
    throw new SourceError((e as Error).message);
  }
}

async function credentialsFor(registry: string, opts: SourceOptions): Promise<Credentials | undefined> {
  if (opts.username !== undefined) return { username: opts.username, password: opts.password ?? "" };
  if (opts.password !== undefined) throw new SourceError(`${registry}: a password was given without a username`);
  return storedCredentials(registry);
}

function parseJson(fetched: FetchedManifest, label: string): unknown {
  if (SCHEMA1.test(fetched.contentType))
    throw new SourceError(
      `${label}: Docker schema 1 manifests are not supported (re-push the image with a current client)`,
    );
  try {
    return JSON.parse(fetched.bytes.toString("utf8"));
  } catch {
    const type = fetched.contentType || "no content type";
    throw new SourceError(
      `${label}: the registry's manifest is not JSON (${type}): ${fetched.bytes.subarray(0, 80).toString("utf8")}`,
    );
  }
}

/**
 * Follows index → platform manifest until an image manifest. A single-platform manifest is taken as is even
 * when a platform was asked for: many images carry no (or a wrong) platform, and Docker does the same.
 */
async function resolveImageManifest(
  client: RegistryClient,
  reference: string,
  wanted: Platform,
  label: string,
): Promise<FetchedManifest> {
  let fetched = await client.manifest(reference, label);
  for (let depth = 0; ; depth++) {
    const doc = parseJson(fetched, label) as { mediaType?: string; manifests?: unknown; schemaVersion?: number };
    if (!doc || typeof doc !== "object")
      throw new SourceError(`${label}: the registry's manifest is not a JSON object`);
    if (doc.schemaVersion === 1) throw new SourceError(`${label}: Docker schema 1 manifests are not supported`);
    const index = fetched.contentType === MEDIA.ociIndex || fetched.contentType === MEDIA.dockerList || isIndex(doc);
    if (!index) return fetched;
    if (!Array.isArray(doc.manifests)) throw new SourceError(`${label}: image index without a manifests list`);
    if (depth >= MAX_INDEX_DEPTH)
      throw new SourceError(`${label}: image indexes nest more than ${MAX_INDEX_DEPTH} deep`);
    const chosen: Descriptor = selectPlatform(doc as ImageIndex, wanted, label);
    digestAlgorithm(String(chosen.digest), `${label}: index entry`);
    fetched = await client.manifest(chosen.digest, label);
  }
}
