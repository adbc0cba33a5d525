import type { PackageInput } from "../../package/package.js";
import type { CatalogContext, Cataloger, CatalogFile } from "../cataloger.js";
import { isRecord } from "../parse.js";
import { packageTables } from "./package-tables.js";
import { pypiPackage } from "./python-package.js";

/**
 * uv.lock: one [[package]] table per locked distribution. The project itself and workspace members are
 * there too, with an editable or virtual source ({ editable = "." }, { virtual = "." }): the project's own
 * code, left out.
 */
export const uvLockCataloger: Cataloger = {
  name: "python-package-cataloger",
  selector: { basenames: ["uv.lock"] },
  parse(file: CatalogFile, ctx: CatalogContext): PackageInput[] {
    const tables = packageTables(file, ctx, "uv.lock");
    if (tables === undefined) return [];
    return tables
      .filter((p) => !(isRecord(p.source) && ("editable" in p.source || "virtual" in p.source)))
      .map((p) => pypiPackage(p.name, p.version, file.path));
  },
};
