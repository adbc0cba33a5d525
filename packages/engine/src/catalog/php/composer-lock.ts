import type { PackageInput } from "../../package/package.js";
import type { CatalogContext, Cataloger, CatalogFile } from "../cataloger.js";
import { isRecord, parseJsonFile } from "../parse.js";
import { composerPackage } from "./composer-package.js";

/** composer.lock: the locked "packages" and, for development, "packages-dev". */
export const composerLockCataloger: Cataloger = {
  name: "php-composer-lock-cataloger",
  // Packages installed under vendor/ sometimes ship their own lockfile; it is not what was installed.
  selector: { basenames: ["composer.lock"], accept: (path) => !path.includes("/vendor/") },
  parse(file: CatalogFile, ctx: CatalogContext): PackageInput[] {
    const lock = parseJsonFile(file, ctx);
    if (lock === undefined) return [];
    if (!isRecord(lock) || !Array.isArray(lock.packages)) {
      ctx.warn(`${file.path}: composer.lock has no "packages" list`);
      return [];
    }
    const dev = Array.isArray(lock["packages-dev"]) ? lock["packages-dev"] : [];
    return [
      ...lock.packages.map((p) => composerPackage(p, file.path, false)),
      ...dev.map((p) => composerPackage(p, file.path, true)),
    ].filter((p): p is PackageInput => p !== undefined);
  },
};
