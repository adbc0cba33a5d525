import type { PackageInput } from "../../package/package.js";

/** One PyPI package as every Python cataloger reports it. The name stays as written; the purl normalizes it. */
export function pypiPackage(
  name: string,
  version: string,
  path: string,
  facts: { licenses?: string[]; dev?: boolean } = {},
): PackageInput {
  return {
    type: "pypi",
    name,
    version,
    ...(facts.licenses && facts.licenses.length > 0 ? { licenses: facts.licenses } : {}),
    ...(facts.dev ? { metadata: { dev: true } } : {}),
    location: { path },
  };
}

export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** A plain object (not an array, not null). */
export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Decodes UTF-8 text, refusing binary content (NUL bytes or invalid UTF-8) instead of guessing. */
export function decodeText(content: Buffer): string | undefined {
  if (content.includes(0)) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(content);
  } catch {
    return undefined;
  }
}
