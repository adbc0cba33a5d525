import type { PackageInput } from "../../package/package.js";

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Parses JSON, stripping the UTF-8 byte order mark Windows tooling sometimes writes. */
export function parseJson(content: Buffer): unknown {
  return JSON.parse(content.toString("utf8").replace(/^\uFEFF/, ""));
}

/** NuGet packages, one per name and version, in first-seen order. */
export function nugetPackages(releases: Iterable<[string, string]>, path: string): PackageInput[] {
  const seen = new Map<string, PackageInput>();
  for (const [name, version] of releases) {
    const key = `${name}@${version}`;
    if (!seen.has(key)) seen.set(key, { type: "nuget", name, version, location: { path } });
  }
  return [...seen.values()];
}
