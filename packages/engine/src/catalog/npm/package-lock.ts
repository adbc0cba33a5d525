import type { PackageInput } from "../../package/package.js";
import type { CatalogContext, Cataloger, CatalogFile } from "../cataloger.js";
import { isRecord, parseJsonFile } from "../parse.js";
import { manifestLicenses, npmPackage, outsideNodeModules, splitDescriptor, uniqueReleases } from "./npm-package.js";

const NODE_MODULES = "node_modules/";

/**
 * npm's package-lock.json. Version 1 nests installed packages under "dependencies"; versions 2 and 3 list
 * them flat under "packages", keyed by their install path ("node_modules/a/node_modules/b"). Version 2
 * carries both; the flat list is the complete one.
 */
export const packageLockCataloger: Cataloger = {
  name: "javascript-lock-cataloger",
  selector: { basenames: ["package-lock.json"], accept: outsideNodeModules },
  parse(file: CatalogFile, ctx: CatalogContext): PackageInput[] {
    const lock = parseJsonFile(file, ctx);
    if (lock === undefined) return [];
    if (!isRecord(lock)) {
      ctx.warn(`${file.path}: not a package-lock.json (expected a JSON object)`);
      return [];
    }
    if (isRecord(lock.packages)) return uniqueReleases(fromPackages(lock.packages, file.path));
    if (isRecord(lock.dependencies)) return uniqueReleases(fromDependencies(lock.dependencies, file.path));
    ctx.warn(`${file.path}: package-lock.json has neither "packages" nor "dependencies"`);
    return [];
  },
};

/** Lockfile v2/v3. Skips the root project (""), links to workspace folders, and the folders themselves. */
function fromPackages(packages: Record<string, unknown>, path: string): PackageInput[] {
  const out: PackageInput[] = [];
  for (const [key, entry] of Object.entries(packages)) {
    const cut = key.lastIndexOf(NODE_MODULES);
    // Keys outside node_modules are the root and workspace folders: the project's own code.
    if (cut < 0 || !isRecord(entry) || entry.link === true) continue;
    if (typeof entry.version !== "string" || entry.version === "") continue;
    const installedAs = key.slice(cut + NODE_MODULES.length);
    // "name" is written only when it differs from the folder: an alias ("my-lodash": "npm:lodash@…").
    const name = typeof entry.name === "string" && entry.name !== "" ? entry.name : installedAs;
    out.push(
      npmPackage(name, entry.version, path, {
        licenses: manifestLicenses(entry),
        dev: entry.dev === true,
        ...(name !== installedAs ? { alias: installedAs } : {}),
      }),
    );
  }
  return out;
}

/** Lockfile v1: a tree of "dependencies" objects, each possibly nesting its own. */
function fromDependencies(dependencies: Record<string, unknown>, path: string): PackageInput[] {
  const out: PackageInput[] = [];
  const stack: Array<Record<string, unknown>> = [dependencies];
  for (let deps = stack.pop(); deps; deps = stack.pop()) {
    for (const [installedAs, entry] of Object.entries(deps)) {
      if (!isRecord(entry)) continue;
      if (isRecord(entry.dependencies)) stack.push(entry.dependencies);
      if (typeof entry.version !== "string") continue;
      let name = installedAs;
      let version = entry.version;
      if (version.startsWith("npm:")) {
        // An alias: "version": "npm:lodash@4.17.21".
        const real = splitDescriptor(version.slice("npm:".length));
        if (!real) continue;
        ({ name, range: version } = real);
      }
      // v1 writes git, file and tarball dependencies as their source ("github:u/r#sha"): no release version.
      if (version === "" || version.includes(":") || version.includes("/")) continue;
      out.push(
        npmPackage(name, version, path, {
          dev: entry.dev === true,
          ...(name !== installedAs ? { alias: installedAs } : {}),
        }),
      );
    }
  }
  return out;
}
