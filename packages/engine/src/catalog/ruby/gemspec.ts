import type { PackageInput } from "../../package/package.js";
import type { CatalogContext, Cataloger, CatalogFile } from "../cataloger.js";
import { textFile } from "../parse.js";
import { gemPackage } from "./ruby-package.js";

/** A Ruby string literal as RubyGems writes them: "x", 'x' or (RubyGems 1.x) %q{x}; ".freeze" may follow. */
const STRING = String.raw`(?:"([^"]*)"|'([^']*)'|%q\{([^}]*)\})(?:\.freeze)?`;
const assignment = (attribute: string, value: string) =>
  new RegExp(String.raw`^\s*\w+\.${attribute}\s*=\s*${value}`, "m");
const NAME = assignment("name", STRING);
/** `s.version = "1.2.3"`, or `s.version = Gem::Version.new("1.2.3")` in some hand-written specs. */
const VERSION = assignment("version", String.raw`(?:Gem::Version\.new\(\s*${STRING}\s*\)|${STRING})`);
const PLATFORM = assignment("platform", STRING);
const LICENSES = assignment("licenses?", String.raw`(\[[^\]]*\]|${STRING})`);
const STRINGS = new RegExp(STRING, "g");

/**
 * Installed gem specifications (".../specifications/<name>-<version>.gemspec", including the
 * "specifications/default" of gems bundled with Ruby). RubyGems writes them as Ruby code
 * (Gem::Specification#to_ruby). Without a Ruby evaluator, the few plain literal assignments that code
 * always uses for name, version, platform and licenses are read with regular expressions.
 */
export const gemspecCataloger: Cataloger = {
  name: "ruby-installed-gemspec-cataloger",
  selector: { patterns: [/\/specifications\/(?:default\/)?[^/]+\.gemspec$/] },
  parse(file: CatalogFile, ctx: CatalogContext): PackageInput[] {
    const text = textFile(file, ctx);
    if (text === undefined) return [];
    const name = firstString(NAME.exec(text));
    const version = firstString(VERSION.exec(text));
    if (!name || !version) {
      ctx.warn(`${file.path}: no literal s.name or s.version; skipped`);
      return [];
    }
    const licenses = LICENSES.exec(text)?.[1];
    return [
      gemPackage(name, version, file.path, {
        licenses: licenses ? [...licenses.matchAll(STRINGS)].map(firstString).filter((l): l is string => !!l) : [],
        platform: firstString(PLATFORM.exec(text)),
      }),
    ];
  },
};

/** The value of whichever quoting alternative matched. */
function firstString(m: RegExpMatchArray | null): string | undefined {
  return m?.slice(1).find((g) => g !== undefined);
}
