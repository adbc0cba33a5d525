import { PackageURL } from "packageurl-js";
import type { Distro } from "./distro.js";
import type { PackageInput } from "./package.js";

const OS_TYPES = new Set(["deb", "apk", "rpm"]);

/** The distro qualifier value ("debian-12", "alpine-3.19.1", "rhel-9.3"), as Syft and Trivy write it. */
export function distroQualifier(d: Distro): string {
  return d.versionId ? `${d.id}-${d.versionId}` : d.id;
}

/** PEP 503 normalization, which the purl spec asks for pypi names. */
function pypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/**
 * Builds the package URL for a cataloged package. OS packages are namespaced by the distro that was
 * detected and carry arch, epoch, distro and upstream (source package) qualifiers.
 */
export function purlFor(p: PackageInput, distro: Distro | undefined): string {
  const q: Record<string, string> = { ...p.qualifiers };
  let namespace = p.namespace;
  let name = p.name;
  let version = p.version;
  switch (p.type) {
    case "deb":
    case "apk":
    case "rpm": {
      namespace = distro?.id ?? namespace ?? (p.type === "deb" ? "debian" : p.type === "apk" ? "alpine" : undefined);
      if (p.arch) q.arch = p.arch;
      if (p.type === "rpm" && p.epoch) q.epoch = String(p.epoch);
      if (distro) q.distro = distroQualifier(distro);
      if (p.source && (p.source.name !== p.name || p.source.version !== p.version)) {
        q.upstream = p.source.version !== p.version ? `${p.source.name}@${p.source.version}` : p.source.name;
      }
      break;
    }
    case "pypi":
      name = pypiName(name);
      break;
    case "golang": {
      const full = namespace ? `${namespace}/${name}` : name;
      const cut = full.lastIndexOf("/");
      namespace = cut > 0 ? full.slice(0, cut) : undefined;
      name = cut > 0 ? full.slice(cut + 1) : full;
      break;
    }
    default:
      break;
  }
  if (version === "") version = undefined as unknown as string;
  const qualifiers = Object.keys(q).length > 0 ? q : undefined;
  return new PackageURL(p.type, namespace, name, version, qualifiers, undefined).toString();
}

export const isOsPackageType = (t: string): boolean => OS_TYPES.has(t);
