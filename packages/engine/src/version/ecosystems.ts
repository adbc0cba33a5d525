import { apk } from "./apk.js";
import { composer } from "./composer.js";
import { dpkg } from "./dpkg.js";
import { gem } from "./gem.js";
import { go } from "./golang.js";
import { maven } from "./maven.js";
import { nuget } from "./nuget.js";
import { pep440 } from "./pep440.js";
import { rpm } from "./rpm.js";
import type { VersionScheme } from "./scheme.js";
import { cargo, npm } from "./semver.js";

/** OSV ecosystem name (without its ":release" suffix) -> the ordering its package manager uses. */
const BY_ECOSYSTEM = new Map<string, VersionScheme>([
  ["Debian", dpkg],
  ["Ubuntu", dpkg],
  ["Alpine", apk],
  ["Wolfi", apk],
  ["Chainguard", apk],
  ["Red Hat", rpm],
  ["Rocky Linux", rpm],
  ["AlmaLinux", rpm],
  ["openSUSE", rpm],
  ["SUSE", rpm],
  ["npm", npm],
  ["PyPI", pep440],
  ["Go", go],
  ["Maven", maven],
  ["RubyGems", gem],
  ["crates.io", cargo],
  ["Packagist", composer],
  ["NuGet", nuget],
]);

/**
 * The scheme for an OSV ecosystem string such as "Debian:12", "Alpine:v3.19", "Red Hat:rhel_aus:8.4::appstream"
 * or "Maven:https://maven.google.com". Undefined for ecosystems without a known ordering.
 */
export function schemeForEcosystem(ecosystem: string): VersionScheme | undefined {
  const colon = ecosystem.indexOf(":");
  return BY_ECOSYSTEM.get(colon >= 0 ? ecosystem.slice(0, colon) : ecosystem);
}
