// spdx-expression-parse ships no types; this is the part of its API we use.
declare module "spdx-expression-parse" {
  interface LicenseInfo {
    license: string;
    plus?: true;
    exception?: string;
  }
  interface ConjunctionInfo {
    conjunction: "and" | "or";
    left: LicenseInfo | ConjunctionInfo;
    right: LicenseInfo | ConjunctionInfo;
  }
  /** Parses an SPDX license expression; throws on anything that is not one. */
  function parse(expression: string): LicenseInfo | ConjunctionInfo;
  export = parse;
}
