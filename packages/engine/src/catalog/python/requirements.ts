import type { PackageInput } from "../../package/package.js";
import type { CatalogContext, Cataloger, CatalogFile } from "../cataloger.js";
import { textFile } from "../parse.js";
import { pypiPackage } from "./python-package.js";

/**
 * An exact pin: a PEP 508 name, optional extras, "==" (or "===") and one version without wildcards.
 * Ranges ("requests>=2"), wildcards ("==2.*") and URLs do not say what is installed, so they are skipped.
 */
const PIN = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*===?\s*([^\s,;*=<>!~]+)$/;

/** pip requirements files ("requirements.txt", "requirements-dev.txt", "dev-requirements.txt"). */
export const requirementsCataloger: Cataloger = {
  name: "python-package-cataloger",
  selector: { patterns: [/\/[^/]*requirements[^/]*\.txt$/] },
  parse(file: CatalogFile, ctx: CatalogContext): PackageInput[] {
    const text = textFile(file, ctx);
    if (text === undefined) return [];
    const out: PackageInput[] = [];
    for (const line of logicalLines(text)) {
      const pin = PIN.exec(requirementOf(line));
      if (pin?.[1] && pin[2]) out.push(pypiPackage(pin[1], pin[2], file.path));
    }
    return out;
  },
};

/** pip joins a line ending in "\" with the next one (commonly used to put --hash options below). */
function* logicalLines(text: string): Generator<string> {
  let pending = "";
  for (const raw of text.split(/\r?\n/)) {
    if (raw.endsWith("\\")) {
      pending += `${raw.slice(0, -1)} `;
      continue;
    }
    yield pending + raw;
    pending = "";
  }
  if (pending) yield pending;
}

/**
 * The requirement of one line, as pip reads it: comments ("#" at the start or after whitespace) removed,
 * per-requirement options ("--hash=…") cut at the first token starting with "-", the environment marker
 * after ";" dropped. Option lines ("-r other.txt", "-e .", "--index-url …") leave nothing.
 */
function requirementOf(line: string): string {
  const requirement = line.replace(/(^|\s)#.*$/, "").trim();
  if (requirement.startsWith("-")) return "";
  const withoutOptions = requirement.split(/\s+-/, 1)[0] ?? "";
  return (withoutOptions.split(";", 1)[0] ?? "").trim();
}
