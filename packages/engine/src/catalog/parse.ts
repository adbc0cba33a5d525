import type * as SmolToml from "smol-toml";
import { lazy } from "../lazy.js";
import type { CatalogContext, CatalogFile } from "./cataloger.js";

const toml = lazy<typeof SmolToml>("smol-toml");

/** A plain object (not an array, not null), as JSON, YAML and TOML parsers return for a mapping. */
export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The first line of a parser's message: TOML and YAML errors go on to quote the offending source. */
export const firstLine = (s: string): string => s.split("\n", 1)[0] ?? s;

/**
 * The file's JSON document, or undefined after a warning when it is not JSON. `stripBom` drops the UTF-8
 * byte order mark that Windows tooling (NuGet, Visual Studio) sometimes writes.
 */
export function parseJsonFile(
  file: CatalogFile,
  ctx: CatalogContext,
  options: { stripBom?: boolean } = {},
): unknown | undefined {
  const text = file.content.toString("utf8");
  try {
    return JSON.parse(options.stripBom ? text.replace(/^\uFEFF/, "") : text);
  } catch (e) {
    ctx.warn(`${file.path}: not valid JSON: ${errorMessage(e)}`);
    return undefined;
  }
}

/** The file's TOML document, or undefined after a warning (naming the first line of the error) when it is not TOML. */
export function parseTomlFile(file: CatalogFile, ctx: CatalogContext): Record<string, unknown> | undefined {
  try {
    return toml().parse(file.content.toString("utf8"));
  } catch (e) {
    ctx.warn(`${file.path}: not valid TOML: ${firstLine(errorMessage(e))}`);
    return undefined;
  }
}

/** Decodes UTF-8 text, refusing binary content (NUL bytes or invalid UTF-8) instead of guessing. */
function decodeText(content: Buffer): string | undefined {
  if (content.includes(0)) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(content);
  } catch {
    return undefined;
  }
}

/** The file as UTF-8 text, or undefined after a warning when it is binary. */
export function textFile(file: CatalogFile, ctx: CatalogContext): string | undefined {
  const text = decodeText(file.content);
  if (text === undefined) ctx.warn(`${file.path}: not a text file; skipped`);
  return text;
}
