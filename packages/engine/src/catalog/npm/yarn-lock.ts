import type * as YarnParsers from "@yarnpkg/parsers";
import { lazy } from "../../lazy.js";
import type { PackageInput } from "../../package/package.js";
import type { CatalogContext, Cataloger, CatalogFile } from "../cataloger.js";
import { errorMessage, firstLine, isRecord } from "../parse.js";
import { npmPackage, outsideNodeModules, splitDescriptor, uniqueReleases } from "./npm-package.js";

const yarnParsers = lazy<typeof YarnParsers>("@yarnpkg/parsers");

/** Berry protocols that point at the project's own folders, not at a released package. */
const LOCAL_PROTOCOLS = new Set(["workspace", "link", "portal"]);

/**
 * yarn.lock, both the classic v1 format and Berry's (yarn 2+) YAML. @yarnpkg/parsers' parseSyml is yarn's
 * own reader and accepts both. Each entry is keyed by the descriptors it satisfies
 * ("chalk@^2.4.1, chalk@^2.4.2") and says the version it resolved to.
 */
export const yarnLockCataloger: Cataloger = {
  name: "javascript-lock-cataloger",
  selector: { basenames: ["yarn.lock"], accept: outsideNodeModules },
  parse(file: CatalogFile, ctx: CatalogContext): PackageInput[] {
    let lock: Record<string, unknown>;
    try {
      lock = yarnParsers().parseSyml(file.content.toString("utf8"));
    } catch (e) {
      ctx.warn(`${file.path}: not a valid yarn.lock: ${firstLine(errorMessage(e))}`);
      return [];
    }
    const out: PackageInput[] = [];
    for (const [key, entry] of Object.entries(lock)) {
      if (key === "__metadata" || !isRecord(entry) || typeof entry.version !== "string") continue;
      const found =
        typeof entry.resolution === "string"
          ? fromBerry(entry.resolution, entry.version, file.path)
          : fromClassic(key, entry.version, file.path);
      if (found) out.push(found);
    }
    return uniqueReleases(out);
  },
};

/** Berry names the resolved package in "resolution": "lodash@npm:4.17.21", even for aliases. */
function fromBerry(resolution: string, version: string, path: string): PackageInput | undefined {
  const locator = splitDescriptor(resolution);
  if (!locator || isLocal(locator.range)) return undefined;
  return npmPackage(locator.name, version, path);
}

/** "workspace:.", "link:…", "portal:…", or a patch applied to one of those. */
function isLocal(reference: string): boolean {
  const protocol = reference.slice(0, reference.indexOf(":"));
  if (LOCAL_PROTOCOLS.has(protocol)) return true;
  if (protocol !== "patch") return false;
  // "patch:name@npm%3A1.2.3#./patches/x.patch::locator=…": the patched package's own reference is encoded.
  const inner = splitDescriptor(decodeURIComponent(reference.slice("patch:".length).split("#", 1)[0] ?? ""));
  return inner ? isLocal(inner.range) : false;
}

/** Classic yarn has no resolution field: the name is the first descriptor's, unless it is an alias. */
function fromClassic(key: string, version: string, path: string): PackageInput | undefined {
  const descriptor = splitDescriptor(key.split(",", 1)[0]?.trim() ?? "");
  if (!descriptor) return undefined;
  if (descriptor.range.startsWith("npm:")) {
    // "my-lodash@npm:lodash@4.17.21"
    const real = splitDescriptor(descriptor.range.slice("npm:".length));
    if (real) return npmPackage(real.name, version, path, { alias: descriptor.name });
  }
  return npmPackage(descriptor.name, version, path);
}
