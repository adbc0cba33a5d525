import type { PackageInput } from "../../package/package.js";
import type { CatalogContext, Cataloger, CatalogFile } from "../cataloger.js";
import { isRecord, parseJsonFile } from "../parse.js";
import { pypiPackage } from "./python-package.js";

/**
 * Pipenv's Pipfile.lock: "default" and "develop" map names to { "version": "==1.2.3", … }. Editable,
 * path and VCS entries carry no version and are skipped.
 */
export const pipfileLockCataloger: Cataloger = {
  name: "python-package-cataloger",
  selector: { basenames: ["Pipfile.lock"] },
  parse(file: CatalogFile, ctx: CatalogContext): PackageInput[] {
    const lock = parseJsonFile(file, ctx);
    if (lock === undefined) return [];
    if (!isRecord(lock) || (!isRecord(lock.default) && !isRecord(lock.develop))) {
      ctx.warn(`${file.path}: Pipfile.lock has neither "default" nor "develop"`);
      return [];
    }
    const runtime = pinned(lock.default);
    const out = [...runtime].map(([name, version]) => pypiPackage(name, version, file.path));
    for (const [name, version] of pinned(lock.develop)) {
      if (runtime.get(name) !== version) out.push(pypiPackage(name, version, file.path, { dev: true }));
    }
    return out;
  },
};

/** name → version of one section's "==" pins. */
function pinned(section: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!isRecord(section)) return out;
  for (const [name, entry] of Object.entries(section)) {
    if (!isRecord(entry) || typeof entry.version !== "string") continue;
    const version = entry.version.replace(/^===?/, "").trim();
    if (version !== "" && version !== entry.version) out.set(name, version);
  }
  return out;
}
