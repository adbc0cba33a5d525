import type { PackageInput } from "../../package/package.js";
import { isRecord } from "../parse.js";

/**
 * One Composer package entry, as composer.lock and vendor/composer/installed.json both write it, turned
 * into a package: "vendor/project" becomes namespace and name. Entries without a "vendor/project" name
 * or a version are not packages and give undefined.
 *
 * Tags are often "v"-prefixed ("v6.3.0"), and Composer writes the tag. Advisory databases (GitHub's
 * composer ecosystem, FriendsOfPHP) write "6.3.0", so the "v" is dropped before a digit; the version as
 * written stays in metadata.lockedVersion. Branch versions ("dev-main") are kept whole.
 */
export function composerPackage(entry: unknown, path: string, dev: boolean): PackageInput | undefined {
  if (!isRecord(entry) || typeof entry.name !== "string" || typeof entry.version !== "string") return undefined;
  const slash = entry.name.indexOf("/");
  if (slash <= 0 || slash === entry.name.length - 1 || entry.version === "") return undefined;
  const written = entry.version;
  const version = /^v\d/.test(written) ? written.slice(1) : written;
  const metadata: Record<string, string | boolean> = {};
  if (dev) metadata.dev = true;
  if (version !== written) metadata.lockedVersion = written;
  const licenses = licensesOf(entry.license);
  return {
    type: "composer",
    namespace: entry.name.slice(0, slash),
    name: entry.name.slice(slash + 1),
    version,
    ...(licenses.length > 0 ? { licenses } : {}),
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
    location: { path },
  };
}

/** "license" is an array of SPDX identifiers, or (hand-written composer.json) one string. */
function licensesOf(license: unknown): string[] {
  if (typeof license === "string") return license ? [license] : [];
  if (Array.isArray(license)) return license.filter((l): l is string => typeof l === "string" && l !== "");
  return [];
}
