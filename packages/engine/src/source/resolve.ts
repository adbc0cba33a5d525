import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, open, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { TarBlobStore } from "./blob-store.js";
import { decompressor, detectCompression } from "./decompress.js";
import { openDirectory, openHost } from "./directory.js";
import { dockerArchiveFromStore, openDockerArchive } from "./docker-archive.js";
import { openEngineImage } from "./engine/index.js";
import { SourceError } from "./entry.js";
import { ociFromStore, openOciLayout } from "./oci-layout.js";
import { openRegistryImage } from "./registry/index.js";
import type { Source, SourceOptions } from "./source.js";

/** A parsed scan target: what the user typed, sorted into how it will be read. */
export type Target =
  | { kind: "host" }
  | { kind: "directory"; path: string }
  | { kind: "docker-archive"; path: string; tag?: string }
  | { kind: "oci"; path: string; ref?: string }
  | { kind: "archive"; path: string }
  | { kind: "sbom"; path: string }
  | { kind: "registry"; reference: string }
  | { kind: "engine"; engine: "docker" | "podman"; name: string };

const exists = async (p: string) => (await stat(p).catch(() => undefined)) !== undefined;

/** Splits "path:ref" when `path` exists and the whole string does not (oci:dir:tag, archive.tar:tag). */
async function splitRef(text: string): Promise<{ path: string; ref?: string }> {
  if (await exists(text)) return { path: text };
  const i = text.lastIndexOf(":");
  if (i > 0 && (await exists(text.slice(0, i)))) return { path: text.slice(0, i), ref: text.slice(i + 1) };
  return { path: text };
}

/**
 * Understands the same target forms as skopeo, Syft and Trivy: `host`, `registry://REF`, `docker://NAME`,
 * `podman://NAME`, `docker-archive:PATH[:TAG]`, `oci:DIR[:REF]`, `oci-archive:PATH[:REF]`, `dir:PATH`,
 * `sbom:PATH`, then plain paths (sniffed) and finally plain image references (pulled from the registry).
 */
export async function parseTarget(text: string): Promise<Target> {
  if (text === "host") return { kind: "host" };
  const scheme = /^([a-z-]+):(\/\/)?(.*)$/.exec(text);
  if (scheme && !(await exists(text))) {
    const [, name, , rest = ""] = scheme;
    switch (name) {
      case "registry":
        return { kind: "registry", reference: rest };
      case "docker":
      case "podman":
        return { kind: "engine", engine: name, name: rest };
      case "docker-archive": {
        const { path, ref } = await splitRef(rest);
        return ref ? { kind: "docker-archive", path, tag: ref } : { kind: "docker-archive", path };
      }
      case "oci":
      case "oci-archive":
      case "oci-dir": {
        const { path, ref } = await splitRef(rest);
        return ref ? { kind: "oci", path, ref } : { kind: "oci", path };
      }
      case "dir":
        return { kind: "directory", path: rest };
      case "sbom":
        return { kind: "sbom", path: rest };
    }
  }
  const { path, ref } = await splitRef(text);
  const st = await stat(path).catch(() => undefined);
  if (st?.isDirectory()) {
    if (await exists(join(path, "oci-layout"))) return ref ? { kind: "oci", path, ref } : { kind: "oci", path };
    return { kind: "directory", path };
  }
  if (st?.isFile()) {
    const head = Buffer.alloc(512);
    const fh = await open(path, "r");
    try {
      await fh.read(head, 0, 512, 0);
    } finally {
      await fh.close();
    }
    const first = head.toString("utf8").trimStart()[0];
    if (first === "{" || first === "<") return { kind: "sbom", path };
    if (ref) return { kind: "docker-archive", path, tag: ref };
    return { kind: "archive", path };
  }
  if (/^[./~]/.test(text) || text.includes("\\")) throw new SourceError(`${text}: no such file or directory`);
  return { kind: "registry", reference: text };
}

/** Decompresses a gzip/zstd image archive ("docker save | gzip") to a temp file so it can be indexed. */
async function plainArchive(
  path: string,
  opts: SourceOptions,
): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const head = Buffer.alloc(4);
  const fh = await open(path, "r");
  try {
    await fh.read(head, 0, 4, 0);
  } finally {
    await fh.close();
  }
  const d = decompressor(detectCompression(head));
  if (!d) return { path, cleanup: async () => {} };
  const dir = await mkdtemp(join(opts.tmpDir ?? tmpdir(), "rampart-archive-"));
  const out = join(dir, "image.tar");
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    await pipeline(createReadStream(path), d, createWriteStream(out));
  } catch (e) {
    await cleanup();
    throw new SourceError(`${path}: cannot decompress: ${(e as Error).message} (truncated or corrupt?)`);
  }
  return { path: out, cleanup };
}

/** Opens a non-SBOM target as a Source. */
export async function openTarget(target: Exclude<Target, { kind: "sbom" }>, opts: SourceOptions = {}): Promise<Source> {
  switch (target.kind) {
    case "host":
      return openHost(opts);
    case "directory":
      return openDirectory(target.path, opts);
    case "docker-archive":
      return openDockerArchive(target.path, { ...opts, ...(target.tag ? { tag: target.tag } : {}) });
    case "oci":
      return openOciLayout(target.path, { ...opts, ...(target.ref ? { ref: target.ref } : {}) });
    case "archive": {
      const plain = await plainArchive(target.path, opts);
      try {
        const store = await TarBlobStore.open(plain.path);
        const img = store.has("manifest.json")
          ? await dockerArchiveFromStore(store, { ...opts, name: target.path })
          : store.has("oci-layout")
            ? await ociFromStore(store, "oci-archive", { ...opts, name: target.path })
            : undefined;
        if (!img)
          throw new SourceError(`${target.path}: a tar, but not an image archive (no manifest.json or oci-layout)`);
        const close = img.close;
        return {
          ...img,
          close: async () => {
            await close();
            await plain.cleanup();
          },
        };
      } catch (e) {
        await plain.cleanup();
        throw e;
      }
    }
    case "registry":
      return openRegistryImage(target.reference, opts);
    case "engine":
      return openEngineImage(target.engine, target.name, opts);
  }
}
