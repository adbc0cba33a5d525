// Helpers shared by the catalogers' tests (not used by the scanner itself).
import type { PackageInput } from "../package/package.js";
import { openDirectory } from "../source/directory.js";
import { catalogEntries } from "./catalog-entries.js";
import type { Cataloger } from "./cataloger.js";
import { SelectorIndex } from "./selectors.js";

/** Runs a (synchronous) cataloger on one file's content, collecting the packages it returns and its warnings. */
export function runCataloger(
  cataloger: Cataloger,
  path: string,
  content: Buffer | string,
  mode = 0o644,
): { packages: PackageInput[]; warnings: string[] } {
  const warnings: string[] = [];
  const bytes = typeof content === "string" ? Buffer.from(content) : content;
  const packages = cataloger.parse({ path, content: bytes, mode }, { warn: (m) => warnings.push(m) });
  if (packages instanceof Promise) throw new Error(`${cataloger.name} is asynchronous: await its parse instead`);
  return { packages, warnings };
}

/** Catalogs a directory tree the way a scan does (selection, merging), with the source's and catalogers' warnings. */
export async function catalogDir(dir: string, catalogers: Cataloger[]) {
  const source = await openDirectory(dir);
  const warnings: string[] = [];
  const result = await catalogEntries(
    source.entries((m) => warnings.push(m)),
    new SelectorIndex(catalogers),
  );
  return { packages: Object.values(result.packages).flat(), warnings: [...warnings, ...result.warnings] };
}
