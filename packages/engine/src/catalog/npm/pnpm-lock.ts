import type * as Yaml from "yaml";
import { lazy } from "../../lazy.js";
import type { PackageInput } from "../../package/package.js";
import type { CatalogContext, Cataloger, CatalogFile } from "../cataloger.js";
import { errorMessage, isRecord } from "../parse.js";
import { npmPackage, outsideNodeModules, splitDescriptor, uniqueReleases } from "./npm-package.js";

const yaml = lazy<typeof Yaml>("yaml");

/**
 * pnpm-lock.yaml. Every lockfile format lists each resolved package under "packages", keyed by name and
 * version, but spelled differently:
 *   5.x  "/lodash/4.17.15", "/react-dom/18.2.0_react@18.2.0"
 *   6.x  "/lodash@4.17.15", "/react-dom@18.2.0(react@18.2.0)"
 *   9.x  "lodash@4.17.15" (peer variants live in "snapshots", which repeat the same releases)
 * Peer suffixes say which peers a copy was linked with; they are not part of the version.
 */
export const pnpmLockCataloger: Cataloger = {
  name: "javascript-lock-cataloger",
  selector: { basenames: ["pnpm-lock.yaml"], accept: outsideNodeModules },
  parse(file: CatalogFile, ctx: CatalogContext): PackageInput[] {
    let lock: unknown;
    try {
      lock = yaml().parse(file.content.toString("utf8"));
    } catch (e) {
      ctx.warn(`${file.path}: not valid YAML: ${errorMessage(e)}`);
      return [];
    }
    if (!isRecord(lock)) {
      ctx.warn(`${file.path}: not a pnpm-lock.yaml (expected a YAML mapping)`);
      return [];
    }
    const format = Number.parseFloat(String(lock.lockfileVersion));
    if (Number.isNaN(format)) {
      ctx.warn(`${file.path}: pnpm-lock.yaml has no lockfileVersion`);
      return [];
    }
    if (lock.packages === undefined || lock.packages === null) return [];
    if (!isRecord(lock.packages)) {
      ctx.warn(`${file.path}: pnpm-lock.yaml "packages" is not a mapping`);
      return [];
    }
    const out: PackageInput[] = [];
    for (const [key, entry] of Object.entries(lock.packages)) {
      const facts = isRecord(entry) ? entry : {};
      // Packages not from a registry (git, tarball URLs) carry their name and version in the entry.
      const named =
        typeof facts.name === "string" && typeof facts.version === "string"
          ? { name: facts.name, version: facts.version }
          : parseKey(key, format);
      if (!named || !isReleaseVersion(named.version)) continue;
      out.push(npmPackage(named.name, named.version, file.path, { dev: facts.dev === true }));
    }
    return uniqueReleases(out);
  },
};

/** Name and version from a "packages" key, peer suffix removed. */
function parseKey(key: string, format: number): { name: string; version: string } | undefined {
  let k = key.startsWith("/") ? key.slice(1) : key;
  const paren = k.indexOf("(");
  if (paren > 0) k = k.slice(0, paren);
  if (format < 6) {
    // "@babel/code-frame/7.22.13", "react-dom/18.2.0_react@18.2.0": pnpm 7 wrote peers after "_" and
    // replaced their "/" with "+", so the last "/" ends the name. Versions never contain "_".
    const slash = k.lastIndexOf("/");
    if (slash <= 0) return undefined;
    return { name: k.slice(0, slash), version: k.slice(slash + 1).split("_", 1)[0] ?? "" };
  }
  const d = splitDescriptor(k);
  return d ? { name: d.name, version: d.range } : undefined;
}

/** A registry release, not a "file:", "link:" or URL reference. */
const isReleaseVersion = (v: string): boolean => v !== "" && !v.includes(":") && !v.includes("/");
