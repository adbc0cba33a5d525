import type { PackageInput } from "../../package/package.js";
import type { CatalogContext, Cataloger, CatalogFile } from "../cataloger.js";
import { isRecord, parseJsonFile } from "../parse.js";
import { nugetPackages } from "./nuget-package.js";

/**
 * NuGet's packages.lock.json: for each target framework (and runtime identifier), the packages restored,
 * with the "resolved" version. "Direct", "Transitive" and "CentralTransitive" entries are NuGet
 * packages; "Project" entries are the solution's own projects. A package locked for several frameworks
 * is reported once per version.
 */
export const packagesLockCataloger: Cataloger = {
  name: "dotnet-packages-lock-cataloger",
  selector: { basenames: ["packages.lock.json"] },
  parse(file: CatalogFile, ctx: CatalogContext): PackageInput[] {
    const lock = parseJsonFile(file, ctx, { stripBom: true });
    if (lock === undefined) return [];
    if (!isRecord(lock) || !isRecord(lock.dependencies)) {
      ctx.warn(`${file.path}: packages.lock.json has no "dependencies" object`);
      return [];
    }
    const releases: Array<[string, string]> = [];
    for (const framework of Object.values(lock.dependencies)) {
      if (!isRecord(framework)) continue;
      for (const [name, entry] of Object.entries(framework)) {
        if (!isRecord(entry) || entry.type === "Project") continue;
        if (typeof entry.resolved === "string" && entry.resolved !== "") releases.push([name, entry.resolved]);
      }
    }
    return nugetPackages(releases, file.path);
  },
};
