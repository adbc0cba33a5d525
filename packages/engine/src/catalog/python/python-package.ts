import type { PackageInput } from "../../package/package.js";

/** One PyPI package as every Python cataloger reports it. The name stays as written; the purl normalizes it. */
export function pypiPackage(
  name: string,
  version: string,
  path: string,
  facts: { licenses?: string[]; dev?: boolean } = {},
): PackageInput {
  return {
    type: "pypi",
    name,
    version,
    ...(facts.licenses && facts.licenses.length > 0 ? { licenses: facts.licenses } : {}),
    ...(facts.dev ? { metadata: { dev: true } } : {}),
    location: { path },
  };
}
