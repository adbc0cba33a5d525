import type { PackageInput } from "../../package/package.js";
import type { CatalogContext, Cataloger, CatalogFile } from "../cataloger.js";
import { textFile } from "../parse.js";
import { gemPackage } from "./ruby-package.js";

/**
 * A resolved gem under "specs:": exactly four spaces, "name (version)" or "name (version-platform)".
 * Like Bundler's own LockfileParser, the version ends at the first "-" ("nokogiri (1.15.4-x86_64-linux)").
 * Six-space lines below it are that gem's dependencies, not resolutions.
 */
const SPEC = /^ {4}(\S+) \(([^-)\s]+)(?:-([^)\s]+))?\)$/;

/**
 * Bundler's Gemfile.lock: the gems resolved from rubygems sources, listed in each GEM section. GIT and PATH
 * sections hold gems built from a checkout or a local folder, whose version names no published release.
 */
export const gemfileLockCataloger: Cataloger = {
  name: "ruby-gemfile-cataloger",
  selector: { basenames: ["Gemfile.lock", "gems.locked"] },
  parse(file: CatalogFile, ctx: CatalogContext): PackageInput[] {
    const text = textFile(file, ctx);
    if (text === undefined) return [];
    const out: PackageInput[] = [];
    let section = "";
    let sawGem = false;
    for (const raw of text.split("\n")) {
      const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      if (/^\S/.test(line)) {
        section = line.trim();
        sawGem ||= section === "GEM";
        continue;
      }
      if (section !== "GEM") continue;
      const spec = SPEC.exec(line);
      if (spec?.[1] && spec[2]) out.push(gemPackage(spec[1], spec[2], file.path, { platform: spec[3] }));
    }
    if (!sawGem) ctx.warn(`${file.path}: no GEM section; not a Gemfile.lock`);
    return out;
  },
};
