import type { PackageInput } from "../../package/package.js";
import type { CatalogContext, Cataloger, CatalogFile } from "../cataloger.js";
import { isRecord, parseJsonFile } from "../parse.js";
import { nugetPackages } from "./nuget-package.js";

/**
 * A .NET application's <app>.deps.json, written next to the published assemblies. Its "libraries" are
 * keyed "Name/Version" and typed: "package" entries came from NuGet; "project" entries are the
 * application's own projects, "reference" and "runtimepack" entries are framework assemblies.
 */
export const depsJsonCataloger: Cataloger = {
  name: "dotnet-deps-cataloger",
  selector: { extensions: [".deps.json"] },
  parse(file: CatalogFile, ctx: CatalogContext): PackageInput[] {
    const deps = parseJsonFile(file, ctx, { stripBom: true });
    if (deps === undefined) return [];
    if (!isRecord(deps) || !isRecord(deps.libraries)) {
      ctx.warn(`${file.path}: deps.json has no "libraries" object`);
      return [];
    }
    const releases: Array<[string, string]> = [];
    for (const [key, library] of Object.entries(deps.libraries)) {
      if (!isRecord(library) || library.type !== "package") continue;
      const slash = key.indexOf("/");
      if (slash <= 0 || slash === key.length - 1) continue;
      releases.push([key.slice(0, slash), key.slice(slash + 1)]);
    }
    return nugetPackages(releases, file.path);
  },
};
