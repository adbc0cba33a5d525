/** One ecosystem's version ordering, as its own package manager orders versions. */
export interface VersionScheme {
  /** "dpkg", "rpm", "apk", "semver", "npm", "pep440", "maven", "go", "gem", "cargo", "composer", "nuget". */
  name: string;
  /** Whether the string can be compared meaningfully under this scheme. */
  valid(v: string): boolean;
  /** <0, 0, >0. A total order on valid versions; never throws (invalid input still gets some answer). */
  compare(a: string, b: string): number;
}
