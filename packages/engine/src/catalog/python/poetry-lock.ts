import { parse as parseToml } from "smol-toml";
import type { PackageInput } from "../../package/package.js";
import type { CatalogContext, Cataloger, CatalogFile } from "../cataloger.js";
import { errorMessage, isRecord, pypiPackage } from "./python-package.js";

/**
 * poetry.lock: one [[package]] table per locked distribution. Poetry 1.x before 1.5 marks development
 * dependencies with category = "dev"; Poetry 2 lists the dependency groups that need the package instead.
 * Path dependencies (source.type = "directory") are the project's own code and are left out.
 */
export const poetryLockCataloger: Cataloger = {
  name: "python-package-cataloger",
  selector: { basenames: ["poetry.lock"] },
  parse(file: CatalogFile, ctx: CatalogContext): PackageInput[] {
    let lock: Record<string, unknown>;
    try {
      lock = parseToml(file.content.toString("utf8"));
    } catch (e) {
      ctx.warn(`${file.path}: not valid TOML: ${errorMessage(e)}`);
      return [];
    }
    if (!Array.isArray(lock.package)) {
      ctx.warn(`${file.path}: poetry.lock has no [[package]] tables`);
      return [];
    }
    const out: PackageInput[] = [];
    for (const p of lock.package) {
      if (!isRecord(p) || typeof p.name !== "string" || typeof p.version !== "string") continue;
      if (isRecord(p.source) && p.source.type === "directory") continue;
      out.push(pypiPackage(p.name, p.version, file.path, { dev: isDevOnly(p) }));
    }
    return out;
  },
};

function isDevOnly(p: Record<string, unknown>): boolean {
  if (p.category === "dev") return true;
  const groups = Array.isArray(p.groups) ? p.groups : [];
  return groups.length > 0 && !groups.includes("main");
}
