import type { PackageInput } from "../../package/package.js";

/** One RubyGems package as both Ruby catalogers report it. */
export function gemPackage(
  name: string,
  version: string,
  path: string,
  facts: { licenses?: string[]; platform?: string } = {},
): PackageInput {
  return {
    type: "gem",
    name,
    version,
    ...(facts.licenses && facts.licenses.length > 0 ? { licenses: facts.licenses } : {}),
    // "ruby" is the platform of pure-Ruby gems: worth recording only when it is something else.
    ...(facts.platform && facts.platform !== "ruby" ? { metadata: { platform: facts.platform } } : {}),
    location: { path },
  };
}
