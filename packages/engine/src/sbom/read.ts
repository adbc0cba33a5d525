/** Reading an SBOM of either format: size limit, decoding, format detection, then the format's reader. */
import { open } from "node:fs/promises";
import { readCycloneDx } from "./cyclonedx-read.js";
import type { ReadSbomOptions } from "./import-builder.js";
import type { Inventory } from "./inventory.js";
import { SbomError } from "./sbom-error.js";
import { isObject, type JsonObject } from "./shape.js";
import { readSpdx } from "./spdx-read.js";

/** The SBOM formats Rampart reads. */
export type SbomInputFormat = "cyclonedx" | "spdx";

/** Default cap on an SBOM file's size. It also keeps the text under V8's longest string (2^29 - 24 chars). */
export const MAX_SBOM_BYTES = 512_000_000;

/** Which format a parsed document is in, from its own markers (bomFormat, spdxVersion). */
export function detectSbomFormat(doc: unknown): SbomInputFormat {
  if (!isObject(doc)) {
    const what = doc === null ? "null" : Array.isArray(doc) ? "an array" : `a ${typeof doc}`;
    throw new SbomError(`not an SBOM: the JSON document is ${what}, not an object`);
  }
  if (doc.bomFormat === "CycloneDX") return "cyclonedx";
  if (typeof doc.spdxVersion === "string" && doc.spdxVersion.startsWith("SPDX-")) return "spdx";
  if (doc.bomFormat !== undefined)
    throw new SbomError(`not an SBOM we read: bomFormat is ${JSON.stringify(doc.bomFormat)}`);
  if (typeof doc["@context"] === "string" && doc["@context"].includes("spdx")) {
    throw new SbomError("SPDX 3 JSON-LD is not supported; use SPDX 2.2/2.3 JSON or CycloneDX JSON");
  }
  throw new SbomError('not an SBOM: JSON with neither bomFormat "CycloneDX" nor an spdxVersion');
}

function decode(content: string | Uint8Array): string {
  let text: string;
  try {
    text =
      typeof content === "string"
        ? content
        : Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString("utf8");
  } catch (e) {
    // Only past V8's longest string; callers reading files stop well before that.
    throw new SbomError(`SBOM too large to decode (${content.length} bytes)`, { cause: e });
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Parses SBOM text (CycloneDX 1.2–1.7 JSON or SPDX 2.x JSON) into an Inventory. Throws SbomError. */
export function parseSbom(content: string | Uint8Array, opts: ReadSbomOptions = {}): Inventory {
  const text = decode(content).trimStart();
  if (text.startsWith("<")) throw new SbomError("XML SBOMs are not supported; use CycloneDX JSON or SPDX JSON");
  if (/^SPDXVersion:/m.test(text.slice(0, 4096))) {
    throw new SbomError("SPDX tag-value is not supported; use SPDX JSON or CycloneDX JSON");
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new SbomError(`not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  return readSbomDocument(doc, opts);
}

/** Reads an already parsed JSON document. */
export function readSbomDocument(doc: unknown, opts: ReadSbomOptions = {}): Inventory {
  const format = detectSbomFormat(doc);
  return format === "cyclonedx" ? readCycloneDx(doc as JsonObject, opts) : readSpdx(doc as JsonObject, opts);
}

/** Reads SBOM text or bytes; `name` is what the user gave (the file name), for the inventory's source. */
export function readSbom(content: string | Uint8Array, name?: string, opts: ReadSbomOptions = {}): Inventory {
  return parseSbom(content, { ...(name !== undefined ? { name } : {}), ...opts });
}

/** Reads an SBOM file, refusing one larger than maxBytes before reading it. */
export async function readSbomFile(
  path: string,
  opts: ReadSbomOptions & { maxBytes?: number } = {},
): Promise<Inventory> {
  const maxBytes = opts.maxBytes ?? MAX_SBOM_BYTES;
  let content: Buffer;
  try {
    const file = await open(path, "r");
    try {
      const stat = await file.stat();
      if (!stat.isFile()) throw new SbomError(`${path} is not a regular file`);
      if (stat.size > maxBytes) {
        throw new SbomError(`${path} is ${stat.size} bytes, more than the ${maxBytes}-byte limit for SBOMs`);
      }
      content = await file.readFile();
    } finally {
      await file.close();
    }
  } catch (e) {
    if (e instanceof SbomError) throw e;
    throw new SbomError(`cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  // The file may have grown between stat and read.
  if (content.length > maxBytes) throw new SbomError(`${path} is more than the ${maxBytes}-byte limit for SBOMs`);
  const { maxBytes: _, ...rest } = opts;
  return parseSbom(content, { name: path, ...rest });
}
