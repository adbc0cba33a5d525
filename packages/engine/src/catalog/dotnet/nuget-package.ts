import type { PackageInput } from "../../package/package.js";

/** NuGet packages, one per name and version, in first-seen order. */
export function nugetPackages(releases: Iterable<[string, string]>, path: string): PackageInput[] {
  const seen = new Map<string, PackageInput>();
  for (const [name, version] of releases) {
    const key = `${name}@${version}`;
    if (!seen.has(key)) seen.set(key, { type: "nuget", name, version, location: { path } });
  }
  return [...seen.values()];
}
