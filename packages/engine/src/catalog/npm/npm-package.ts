import type { PackageInput } from "../../package/package.js";
import { isRecord } from "../parse.js";

/** Extra facts an npm cataloger may know about one package. */
export interface NpmFacts {
  licenses?: string[];
  dev?: boolean;
  /** The name it was installed under when that differs from the real one ("my-lodash": "npm:lodash@…"). */
  alias?: string;
}

/** Splits "@scope/name" into the purl's namespace and name; unscoped names have no namespace. */
export function splitNpmName(fullName: string): { namespace?: string; name: string } {
  if (fullName.startsWith("@")) {
    const slash = fullName.indexOf("/");
    if (slash > 1) return { namespace: fullName.slice(0, slash), name: fullName.slice(slash + 1) };
  }
  return { name: fullName };
}

/** One npm package as every JavaScript cataloger reports it. */
export function npmPackage(fullName: string, version: string, path: string, facts: NpmFacts = {}): PackageInput {
  const metadata: Record<string, string | boolean> = {};
  if (facts.dev) metadata.dev = true;
  if (facts.alias) metadata.alias = facts.alias;
  return {
    type: "npm",
    ...splitNpmName(fullName),
    version,
    ...(facts.licenses && facts.licenses.length > 0 ? { licenses: facts.licenses } : {}),
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
    location: { path },
  };
}

/**
 * Lockfiles list one release several times when it is installed at several places in the tree. Reports it
 * once per file; it counts as a dev dependency only if every copy is one.
 */
export function uniqueReleases(packages: PackageInput[]): PackageInput[] {
  const byKey = new Map<string, PackageInput>();
  for (const p of packages) {
    const key = `${p.namespace ?? ""}/${p.name}@${p.version}`;
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, p);
    } else if (seen.metadata?.dev && !p.metadata?.dev) {
      delete seen.metadata.dev;
      if (Object.keys(seen.metadata).length === 0) delete seen.metadata;
    }
  }
  return [...byKey.values()];
}

/** The "name@range" or "name@npm:real@range" descriptor split at the "@" that ends the name. */
export function splitDescriptor(descriptor: string): { name: string; range: string } | undefined {
  const at = descriptor.indexOf("@", 1);
  if (at <= 0) return undefined;
  return { name: descriptor.slice(0, at), range: descriptor.slice(at + 1) };
}

/** Lockfiles sit next to the project they describe; copies shipped inside installed packages do not. */
export const outsideNodeModules = (path: string): boolean => !path.includes("/node_modules/");

/**
 * Licenses as package.json writes them: the SPDX string of "license", or the legacy
 * `{ "type": "MIT" }` object and `"licenses": [{ "type": … }]` array older packages still ship.
 */
export function manifestLicenses(manifest: Record<string, unknown>): string[] {
  const typeOf = (v: unknown): string | undefined => {
    if (typeof v === "string") return v.trim() || undefined;
    if (isRecord(v) && typeof v.type === "string") return v.type.trim() || undefined;
    return undefined;
  };
  const one = typeOf(manifest.license);
  if (one) return [one];
  if (Array.isArray(manifest.licenses)) return manifest.licenses.map(typeOf).filter((l): l is string => !!l);
  return [];
}
