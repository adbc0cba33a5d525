import type { PackageInput } from "../../package/package.js";
import type { CatalogContext, Cataloger, CatalogFile } from "../cataloger.js";
import { textFile } from "../parse.js";
import { parseCoreMetadata } from "./core-metadata.js";
import { pypiPackage } from "./python-package.js";

/** Values that say no license was declared. */
const NO_LICENSE = new Set(["", "unknown", "none"]);

/**
 * Installed Python distributions: "<name>-<version>.dist-info/METADATA" (wheels), "….egg-info/PKG-INFO"
 * (setuptools eggs), and "….egg-info" as a plain file, which distutils installs and Debian's python3-*
 * packages ship ("/usr/lib/python3/dist-packages/PyYAML-5.3.1.egg-info").
 */
export const installedPackageCataloger: Cataloger = {
  name: "python-installed-package-cataloger",
  selector: {
    patterns: [/\.dist-info\/METADATA$/, /\.egg-info\/PKG-INFO$/],
    // A directory is never handed to a cataloger, so this only ever selects the file form.
    extensions: [".egg-info"],
  },
  parse(file: CatalogFile, ctx: CatalogContext): PackageInput[] {
    const text = textFile(file, ctx);
    if (text === undefined) return [];
    const headers = parseCoreMetadata(text);
    const name = headers.get("name")?.[0];
    const version = headers.get("version")?.[0];
    if (!name || !version) {
      ctx.warn(`${file.path}: no Name or Version header; skipped`);
      return [];
    }
    return [pypiPackage(name, version, file.path, { licenses: licensesOf(headers) })];
  },
};

/**
 * License-Expression (metadata 2.4) is an SPDX expression; License is free text. Some projects paste the
 * whole license into License, over several lines: that is not a name, so it is left out.
 */
function licensesOf(headers: Map<string, string[]>): string[] {
  const expression = headers.get("license-expression")?.[0];
  if (expression) return [expression];
  const license = headers.get("license")?.[0];
  if (!license || license.includes("\n") || NO_LICENSE.has(license.toLowerCase())) return [];
  return [license];
}
