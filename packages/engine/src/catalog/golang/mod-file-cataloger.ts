import type { PackageInput } from "../../package/package.js";
import type { CatalogContext, Cataloger, CatalogFile } from "../cataloger.js";
import { goModDependencies, parseGoMod } from "./gomod.js";

/**
 * go-module-file-cataloger: the modules a go.mod requires (direct and `// indirect`), after its replace and
 * exclude directives. go.sum is not read: it lists every module version ever considered, not the build list.
 */
export const goModuleFileCataloger: Cataloger = {
  name: "go-module-file-cataloger",
  selector: { basenames: ["go.mod"], maxBytes: 8 * 1024 * 1024 },
  parse(file: CatalogFile, ctx: CatalogContext): PackageInput[] {
    const mod = parseGoMod(file.content.toString("utf8"));
    for (const p of mod.problems) ctx.warn(`${file.path}: ${p}`);
    return goModDependencies(mod).map((d) => {
      const metadata: Record<string, string | boolean> = { indirect: d.indirect };
      if (mod.module) metadata.mainModule = mod.module;
      if (d.replaces) metadata.replaces = d.replaces;
      return { type: "golang", name: d.path, version: d.version, metadata, location: { path: file.path } };
    });
  },
};
