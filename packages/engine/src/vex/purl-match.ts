/**
 * Comparing a package URL a user or a VEX author wrote with the one the scan computed. Exact string equality
 * is what makes VEX quietly fail in other scanners: the author writes `distro=debian-12`, the scan says
 * `debian-12.13`; one adds `arch`, the other a `repository_url`. So the comparison is on what identifies the
 * package: type, namespace and name (case-folded; PEP 503 for PyPI), the version when the pattern has one, and
 * of the qualifiers only those that change the identity when both sides give them: `distro` (a release matches
 * its point releases) and `epoch`.
 */
import { PackageURL } from "packageurl-js";

export interface PurlKey {
  type: string;
  namespace: string;
  name: string;
  version?: string;
  qualifiers: Record<string, string>;
}

const normalName = (type: string, name: string): string => {
  const lower = name.toLowerCase();
  return type === "pypi" ? lower.replace(/[-_.]+/g, "-") : lower;
};

export function parsePurl(text: string): PurlKey | undefined {
  let p: PackageURL;
  try {
    p = PackageURL.fromString(text.trim());
  } catch {
    return undefined;
  }
  const type = p.type.toLowerCase();
  return {
    type,
    namespace: (p.namespace ?? "").toLowerCase(),
    name: normalName(type, p.name),
    ...(p.version ? { version: p.version } : {}),
    qualifiers: Object.fromEntries(Object.entries(p.qualifiers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)])),
  };
}

/** "debian-12" and "debian-12.13" are one release; "alpine-3.19" covers "alpine-3.19.1". */
export function sameRelease(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x === y || x.startsWith(`${y}.`) || y.startsWith(`${x}.`);
}

const sameVersion = (type: string, a: string, b: string): boolean =>
  a === b || (type === "golang" && a.replace(/^v/, "") === b.replace(/^v/, ""));

/** Whether `pattern` (from a VEX document or an ignore rule) names the package `target` (from the scan). */
export function purlMatches(pattern: PurlKey, target: PurlKey): boolean {
  if (pattern.type !== target.type || pattern.namespace !== target.namespace || pattern.name !== target.name)
    return false;
  if (pattern.version !== undefined && !(target.version && sameVersion(target.type, pattern.version, target.version)))
    return false;
  const pd = pattern.qualifiers.distro;
  const td = target.qualifiers.distro;
  if (pd && td && !sameRelease(pd, td)) return false;
  const pe = pattern.qualifiers.epoch;
  const te = target.qualifiers.epoch;
  return !(pe && te && pe !== te);
}
