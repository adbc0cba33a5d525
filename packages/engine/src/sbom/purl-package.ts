/** Rebuilding packages from the purls of an SBOM someone else (or we) wrote. */
import { PackageURL } from "packageurl-js";
import type { Distro } from "../package/distro.js";
import type { PackageType, SourcePackage } from "../package/package.js";
import { isOsPackageType } from "../package/purl.js";

const PACKAGE_TYPES: ReadonlySet<string> = new Set<PackageType>([
  "deb",
  "apk",
  "rpm",
  "npm",
  "pypi",
  "golang",
  "maven",
  "gem",
  "cargo",
  "composer",
  "nuget",
]);

/** The parts of a Package a purl determines. */
export interface PurlPackage {
  /** The purl as packageurl-js writes it, so the same package read from two tools compares equal. */
  purl: string;
  type: PackageType;
  namespace?: string;
  name: string;
  version: string;
  arch?: string;
  epoch?: number;
  source?: SourcePackage;
  qualifiers?: Record<string, string>;
  /** The distro an OS package's purl names (distro qualifier, or the namespace alone). */
  distro?: Distro;
}

export type PurlResult =
  | { ok: true; pkg: PurlPackage }
  | { ok: false; reason: "invalid" | "unsupported"; type?: string };

/** Splits "name-version-release.src.rpm", the upstream qualifier Syft writes for RPMs. */
function sourceRpm(text: string): SourcePackage | undefined {
  const m = /^(.+)-([^-]+)-([^-]+)\.src\.rpm$/.exec(text);
  return m ? { name: m[1] as string, version: `${m[2]}-${m[3]}` } : undefined;
}

/** upstream qualifier: "glibc@2.36-9" (version differs), "glibc" (same version), or an RPM source file name. */
export function parseUpstream(upstream: string, version: string): SourcePackage {
  const rpm = sourceRpm(upstream);
  if (rpm) return rpm;
  const at = upstream.indexOf("@");
  return at > 0 ? { name: upstream.slice(0, at), version: upstream.slice(at + 1) } : { name: upstream, version };
}

/**
 * distro qualifier to Distro: "debian-12" and "centos-7.6.1810" name the distro and its version; Trivy's apk
 * purls give the version alone ("3.19.1"), the distro then being the purl namespace.
 */
export function parseDistroQualifier(value: string, namespace: string | undefined): Distro {
  if (namespace && value.startsWith(`${namespace}-`))
    return { id: namespace, versionId: value.slice(namespace.length + 1) };
  const m = /^(.+?)-(\d[\w.~+-]*)$/.exec(value);
  if (m) return { id: m[1] as string, versionId: m[2] as string };
  if (/^\d/.test(value) && namespace) return { id: namespace, versionId: value };
  return { id: value };
}

export function packageFromPurl(text: string): PurlResult {
  let purl: PackageURL;
  try {
    purl = PackageURL.fromString(text.trim());
  } catch {
    return { ok: false, reason: "invalid" };
  }
  if (!PACKAGE_TYPES.has(purl.type)) return { ok: false, reason: "unsupported", type: purl.type };
  const type = purl.type as PackageType;
  let version = purl.version ?? "";
  const q: Record<string, string> = { ...(purl.qualifiers ?? {}) };
  if (type === "deb" && q.epoch && /^\d+$/.test(q.epoch) && !version.includes(":")) {
    // Trivy writes a Debian epoch as a qualifier; dpkg, our catalogers and Syft keep it in the version.
    version = q.epoch === "0" ? version : `${q.epoch}:${version}`;
    const { epoch: _, ...rest } = q;
    purl = new PackageURL(
      type,
      purl.namespace,
      purl.name,
      version,
      Object.keys(rest).length ? rest : undefined,
      purl.subpath,
    );
    delete q.epoch;
  }
  const pkg: PurlPackage = { purl: purl.toString(), type, name: purl.name, version };
  if (type === "golang") {
    // The package model keeps a Go module's whole path in name (purlFor splits it again).
    pkg.name = purl.namespace ? `${purl.namespace}/${purl.name}` : purl.name;
  } else if (isOsPackageType(type)) {
    if (q.distro) pkg.distro = parseDistroQualifier(q.distro, purl.namespace ?? undefined);
    else if (purl.namespace) pkg.distro = { id: purl.namespace };
    if (q.arch) pkg.arch = q.arch;
    if (type === "rpm" && q.epoch && /^\d+$/.test(q.epoch)) pkg.epoch = Number(q.epoch);
    if (q.upstream) pkg.source = parseUpstream(q.upstream, version);
    for (const k of ["distro", "arch", "epoch", "upstream"]) delete q[k];
  } else if (purl.namespace) {
    pkg.namespace = purl.namespace;
  }
  if (Object.keys(q).length) pkg.qualifiers = q;
  return { ok: true, pkg };
}

/** PEP 503 normalization, to tell whether a document's display name is the purl's pypi name. */
export const pypiNormalized = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, "-");
