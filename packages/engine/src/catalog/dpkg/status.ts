import type { PackageInput } from "../../package/package.js";
import type { CatalogContext } from "../cataloger.js";
import { type Paragraph, parseParagraphs } from "./control.js";

/**
 * dpkg states (the third word of "Status: want ok state") whose files are on disk and configured.
 * "triggers-*" packages are configured and only wait for another package's trigger. Skipped: not-installed,
 * config-files (only conffiles left), half-installed/unpacked/half-configured (an interrupted install).
 */
const INSTALLED_STATES = new Set(["installed", "triggers-pending", "triggers-awaited"]);

/**
 * Reads a dpkg status database (/var/lib/dpkg/status) or one distroless status.d entry, which is a
 * package's control file without a Status field: a paragraph with no Status counts as installed.
 */
export function parseDpkgStatus(text: string, path: string, ctx: CatalogContext): PackageInput[] {
  let badLines = 0;
  const paragraphs = parseParagraphs(text, () => badLines++);
  if (badLines > 0) ctx.warn(`${path}: ${badLines} line(s) that are not deb822 fields were skipped`);
  const out: PackageInput[] = [];
  const incomplete: string[] = [];
  for (const p of paragraphs) {
    if (!isInstalled(p)) continue;
    const name = p.get("package");
    const version = p.get("version");
    if (!name || !version) {
      incomplete.push(name ?? "(no name)");
      continue;
    }
    out.push(toPackage(p, name, version, path));
  }
  if (incomplete.length > 0) {
    const shown = incomplete.slice(0, 5).join(", ") + (incomplete.length > 5 ? ", …" : "");
    ctx.warn(`${path}: ${incomplete.length} paragraph(s) without a Package name or Version skipped: ${shown}`);
  }
  return out;
}

function isInstalled(p: Paragraph): boolean {
  const status = p.get("status");
  if (status === undefined) return true;
  const state = status.split(/\s+/)[2];
  return state !== undefined && INSTALLED_STATES.has(state);
}

function toPackage(p: Paragraph, name: string, version: string, path: string): PackageInput {
  const pkg: PackageInput = {
    type: "deb",
    name,
    version,
    source: sourceOf(p.get("source"), name, version),
    location: { path },
  };
  const arch = p.get("architecture");
  if (arch) pkg.arch = arch;
  const metadata: NonNullable<PackageInput["metadata"]> = {};
  const maintainer = p.get("maintainer");
  if (maintainer) metadata.maintainer = maintainer;
  const size = Number(p.get("installed-size"));
  // Installed-Size is in KiB.
  if (Number.isFinite(size) && size > 0) metadata.installedSize = size;
  if (Object.keys(metadata).length > 0) pkg.metadata = metadata;
  return pkg;
}

/**
 * "Source: glibc (2.36-9)" names the source package and its version when it differs from the binary's
 * (binNMUs, "+b1"); "Source: openssl" only the name. No Source means the source is named like the binary.
 * This is what dpkg-query's ${source:Package} and ${source:Version} compute.
 */
function sourceOf(field: string | undefined, name: string, version: string): { name: string; version: string } {
  const m = field ? /^(\S+)(?:\s*\(\s*([^)\s]+)\s*\))?/.exec(field) : null;
  return { name: m?.[1] ?? name, version: m?.[2] ?? version };
}
