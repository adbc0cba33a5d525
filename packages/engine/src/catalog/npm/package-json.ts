import type { PackageInput } from "../../package/package.js";
import type { CatalogContext, Cataloger, CatalogFile } from "../cataloger.js";
import { isRecord, parseJsonFile } from "../parse.js";
import { manifestLicenses, npmPackage } from "./npm-package.js";

/**
 * The manifest at the top of an installed package: ".../node_modules/<name>/package.json" or
 * ".../node_modules/@scope/<name>/package.json". Deeper package.json files (test fixtures, sub-entry
 * points like "lodash/fp/package.json") are not packages of their own. Dot-folders (".bin", ".pnpm"'s
 * store root) are not package folders.
 */
const INSTALLED_MANIFEST = /\/node_modules\/(?:@[^/.][^/]*\/)?[^/.@][^/]*\/package\.json$/;

/** Installed packages, read from their own package.json (Syft's javascript-package-cataloger). */
export const packageJsonCataloger: Cataloger = {
  name: "javascript-package-cataloger",
  selector: { basenames: ["package.json"], accept: (path) => INSTALLED_MANIFEST.test(path) },
  parse(file: CatalogFile, ctx: CatalogContext): PackageInput[] {
    const manifest = parseJsonFile(file, ctx);
    if (manifest === undefined) return [];
    if (!isRecord(manifest)) {
      ctx.warn(`${file.path}: not a package.json (expected a JSON object)`);
      return [];
    }
    const { name, version } = manifest;
    if (typeof name !== "string" || name === "" || typeof version !== "string" || version === "") {
      ctx.warn(`${file.path}: package.json has no name or version; skipped`);
      return [];
    }
    const installedAs = file.path.slice(0, -"/package.json".length).split("/node_modules/").pop();
    return [
      npmPackage(name, version, file.path, {
        licenses: manifestLicenses(manifest),
        ...(installedAs && installedAs !== name ? { alias: installedAs } : {}),
      }),
    ];
  },
};
