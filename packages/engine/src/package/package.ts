/**
 * The package model every cataloger produces and every later stage (SBOM, matching, ranking) reads.
 * Names follow the purl types, so a Package maps 1:1 onto a purl and a CycloneDX component.
 */

/** purl types Rampart catalogs. */
export type PackageType =
  | "deb"
  | "apk"
  | "rpm"
  | "npm"
  | "pypi"
  | "golang"
  | "maven"
  | "gem"
  | "cargo"
  | "composer"
  | "nuget";

/** Where a package was found: the file that declared it, and the image layer that file came from. */
export interface Location {
  /** Absolute path inside the scanned root ("/usr/lib/python3/dist-packages/yaml-5.3.1.egg-info"). */
  path: string;
  /** Uncompressed layer digest (diffID, "sha256:…") for image sources; absent for directories and hosts. */
  layer?: string;
  /** For a file inside an archive (a jar nested in a jar), the chain of archive members after `path`. */
  member?: string[];
}

/** The package a binary package was built from (Debian source package, Alpine origin, RPM source RPM). */
export interface SourcePackage {
  name: string;
  version: string;
}

/** What a cataloger reports. The scan finalizes it (purl, de-duplication, distro qualifiers) into a Package. */
export interface PackageInput {
  type: PackageType;
  /** purl namespace: Maven groupId, Composer vendor, Go module path head; distro name for OS packages is added later. */
  namespace?: string;
  name: string;
  version: string;
  /** Source/origin package for OS packages. */
  source?: SourcePackage;
  /** Machine architecture for OS packages (amd64, x86_64, noarch…). */
  arch?: string;
  /** RPM epoch (kept apart from the version, as rpm does). */
  epoch?: number;
  licenses?: string[];
  /** Extra purl qualifiers decided by the cataloger (e.g. npm's none, maven's type=jar is implicit). */
  qualifiers?: Record<string, string>;
  /** Free-form facts the cataloger knows and later stages may use (dev dependency, Go main module…). */
  metadata?: Record<string, string | number | boolean | string[]>;
  /** Where it was found. The cataloger sets path (and member for nested archives); the scan adds the layer. */
  location: Location;
}

/** A finalized package: one per distinct purl, carrying every place it was found. */
export interface Package extends Omit<PackageInput, "location"> {
  /** Package URL (https://github.com/package-url/purl-spec), unique within an inventory. */
  purl: string;
  /** Names of the catalogers that reported it. */
  foundBy: string[];
  /** Every location it was found at, de-duplicated. The first is the lowest layer that introduced it. */
  locations: Location[];
}
