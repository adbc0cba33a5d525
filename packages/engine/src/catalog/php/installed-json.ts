import type { PackageInput } from "../../package/package.js";
import type { CatalogContext, Cataloger, CatalogFile } from "../cataloger.js";
import { isRecord, parseJsonFile } from "../parse.js";
import { composerPackage } from "./composer-package.js";

/**
 * vendor/composer/installed.json, what Composer actually installed. Composer 1 writes a bare array of
 * packages; Composer 2 writes { "packages": [...], "dev": true, "dev-package-names": [...] }.
 */
export const installedJsonCataloger: Cataloger = {
  name: "php-composer-installed-cataloger",
  selector: { basenames: ["installed.json"], accept: (path) => path.endsWith("/composer/installed.json") },
  parse(file: CatalogFile, ctx: CatalogContext): PackageInput[] {
    const installed = parseJsonFile(file, ctx);
    if (installed === undefined) return [];
    let packages: unknown[];
    let devNames = new Set<unknown>();
    if (Array.isArray(installed)) {
      packages = installed;
    } else if (isRecord(installed) && Array.isArray(installed.packages)) {
      packages = installed.packages;
      if (Array.isArray(installed["dev-package-names"])) devNames = new Set(installed["dev-package-names"]);
    } else {
      ctx.warn(`${file.path}: installed.json is neither a package list nor { "packages": [...] }`);
      return [];
    }
    return packages
      .map((p) => composerPackage(p, file.path, isRecord(p) && devNames.has(p.name)))
      .filter((p): p is PackageInput => p !== undefined);
  },
};
