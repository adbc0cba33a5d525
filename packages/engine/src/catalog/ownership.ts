import type { Package } from "../package/package.js";

const OS_TYPES = new Set(["deb", "apk", "rpm"]);

/**
 * Marks language packages whose declaring file an OS package installed (metadata.osPackage = its name):
 * Debian's python3-yaml ships PyYAML's egg-info, and Debian patches it; matching it against PyPI's advisory
 * would report a fixed issue. Trivy skips such packages; Rampart keeps them in the SBOM, marked, and the
 * matcher leaves them to the distro's advisories.
 */
export function markOsOwned(packages: Package[], owned: Iterable<{ owner: string; paths: string[] }>): void {
  const ownerOf = new Map<string, string>();
  for (const { owner, paths } of owned) for (const p of paths) ownerOf.set(p, owner);
  if (ownerOf.size === 0) return;
  for (const pkg of packages) {
    if (OS_TYPES.has(pkg.type)) continue;
    const owner = pkg.locations.map((l) => ownerOf.get(l.path)).find((o) => o !== undefined);
    if (owner) pkg.metadata = { ...pkg.metadata, osPackage: owner };
  }
}
