import type { Distro } from "../package/distro.js";
import type { Package } from "../package/package.js";

/** Where to look a package up: the OSV ecosystem strings to try, and the name and version advisories use. */
export type Lookup =
  | { ecosystems: string[]; name: string; version: string }
  /** Not matchable, and why (reported once per reason). */
  | { skip: string };

const major = (v: string | undefined) => v?.split(".")[0];
const majorMinor = (v: string | undefined) => v?.split(".").slice(0, 2).join(".");

/**
 * Translates a cataloged package into OSV terms. OS packages are matched per distro release and by the
 * package they were built from — Debian/Ubuntu advisories name source packages, Alpine's name origins — so
 * the source's version is the one compared ("bsdutils 1:2.38.1-5" is util-linux 2.38.1-5).
 */
export function lookupFor(pkg: Package, distro: Distro | undefined): Lookup {
  switch (pkg.type) {
    case "deb":
      return distroLookup(pkg, debEcosystems(distro));
    case "apk":
      return distroLookup(pkg, apkEcosystems(distro));
    case "rpm":
      return distroLookup(pkg, rpmEcosystems(distro), rpmVersion(pkg));
    case "npm":
      return {
        ecosystems: ["npm"],
        name: pkg.namespace ? `${pkg.namespace}/${pkg.name}` : pkg.name,
        version: pkg.version,
      };
    case "pypi":
      return { ecosystems: ["PyPI"], name: pkg.name, version: pkg.version };
    case "golang":
      if (pkg.version === "" || pkg.version === "(devel)") return { skip: "Go modules without a version ((devel))" };
      return { ecosystems: ["Go"], name: pkg.name, version: pkg.version.replace(/^v/, "") };
    case "maven":
      if (!pkg.namespace) return { skip: "Maven artifacts without a groupId" };
      return { ecosystems: ["Maven"], name: `${pkg.namespace}:${pkg.name}`, version: pkg.version };
    case "gem":
      return { ecosystems: ["RubyGems"], name: pkg.name, version: pkg.version };
    case "cargo":
      return { ecosystems: ["crates.io"], name: pkg.name, version: pkg.version };
    case "composer":
      return {
        ecosystems: ["Packagist"],
        name: pkg.namespace ? `${pkg.namespace}/${pkg.name}` : pkg.name,
        version: pkg.version,
      };
    case "nuget":
      return { ecosystems: ["NuGet"], name: pkg.name, version: pkg.version };
  }
}

function distroLookup(pkg: Package, ecosystems: string[] | string, version?: string): Lookup {
  if (typeof ecosystems === "string") return { skip: ecosystems };
  return { ecosystems, name: pkg.source?.name ?? pkg.name, version: version ?? pkg.source?.version ?? pkg.version };
}

function debEcosystems(d: Distro | undefined): string[] | string {
  if (d?.id === "debian" || (d?.distroless && d.versionId)) {
    const m = major(d.versionId);
    return m
      ? [`Debian:${m}`]
      : `Debian ${d.codename ?? "testing/unstable"} packages (no release number: testing and sid have no advisory release)`;
  }
  if (d?.id === "ubuntu" && d.versionId)
    return [`Ubuntu:${d.versionId}`, `Ubuntu:${d.versionId}:LTS`, `Ubuntu:Pro:${d.versionId}:LTS`];
  return `deb packages on ${d ? `${d.id} ${d.versionId ?? ""}`.trim() : "an undetected OS"} (no advisory source for it)`;
}

function apkEcosystems(d: Distro | undefined): string[] | string {
  if (d?.id === "alpine" && d.versionId) return [`Alpine:v${majorMinor(d.versionId)}`];
  if (d?.id === "wolfi") return ["Wolfi"];
  if (d?.id === "chainguard") return ["Chainguard"];
  return `apk packages on ${d ? d.id : "an undetected OS"} (no advisory source for it)`;
}

function rpmEcosystems(d: Distro | undefined): string[] | string {
  if (d?.id === "rocky" && d.versionId) return [`Rocky Linux:${major(d.versionId)}`];
  if (d?.id === "almalinux" && d.versionId) return [`AlmaLinux:${major(d.versionId)}`];
  return `rpm packages on ${d ? d.id : "an undetected OS"} (no advisory source for it yet)`;
}

/** RPM advisories compare EVR; the cataloger keeps the epoch apart. */
const rpmVersion = (pkg: Package) => (pkg.epoch ? `${pkg.epoch}:${pkg.version}` : pkg.version);
