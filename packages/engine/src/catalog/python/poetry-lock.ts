import type { PackageInput } from "../../package/package.js";
import type { CatalogContext, Cataloger, CatalogFile } from "../cataloger.js";
import { isRecord } from "../parse.js";
import { type PackageTable, packageTables } from "./package-tables.js";
import { pypiPackage } from "./python-package.js";

/**
 * poetry.lock: one [[package]] table per locked distribution. Poetry 1.x before 1.5 marks development
 * dependencies with category = "dev"; Poetry 2 lists the dependency groups that need the package instead.
 * Path dependencies (source.type = "directory") are the project's own code and are left out.
 */
export const poetryLockCataloger: Cataloger = {
  name: "python-package-cataloger",
  selector: { basenames: ["poetry.lock"] },
  parse(file: CatalogFile, ctx: CatalogContext): PackageInput[] {
    const tables = packageTables(file, ctx, "poetry.lock");
    if (tables === undefined) return [];
    return tables
      .filter((p) => !(isRecord(p.source) && p.source.type === "directory"))
      .map((p) => pypiPackage(p.name, p.version, file.path, { dev: isDevOnly(p) }));
  },
};

function isDevOnly(p: PackageTable): boolean {
  if (p.category === "dev") return true;
  const groups = Array.isArray(p.groups) ? p.groups : [];
  return groups.length > 0 && !groups.includes("main");
}
