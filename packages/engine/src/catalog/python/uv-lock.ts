import { parse as parseToml } from "smol-toml";
import type { PackageInput } from "../../package/package.js";
import type { CatalogContext, Cataloger, CatalogFile } from "../cataloger.js";
import { errorMessage, isRecord, pypiPackage } from "./python-package.js";

/**
 * uv.lock: one [[package]] table per locked distribution. The project itself and workspace members are
 * there too, with an editable or virtual source ({ editable = "." }, { virtual = "." }): the project's own
 * code, left out.
 */
export const uvLockCataloger: Cataloger = {
  name: "python-package-cataloger",
  selector: { basenames: ["uv.lock"] },
  parse(file: CatalogFile, ctx: CatalogContext): PackageInput[] {
    let lock: Record<string, unknown>;
    try {
      lock = parseToml(file.content.toString("utf8"));
    } catch (e) {
      ctx.warn(`${file.path}: not valid TOML: ${errorMessage(e)}`);
      return [];
    }
    if (!Array.isArray(lock.package)) {
      ctx.warn(`${file.path}: uv.lock has no [[package]] tables`);
      return [];
    }
    const out: PackageInput[] = [];
    for (const p of lock.package) {
      if (!isRecord(p) || typeof p.name !== "string" || typeof p.version !== "string") continue;
      if (isRecord(p.source) && ("editable" in p.source || "virtual" in p.source)) continue;
      out.push(pypiPackage(p.name, p.version, file.path));
    }
    return out;
  },
};
