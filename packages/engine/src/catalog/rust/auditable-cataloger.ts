import { inflateSync } from "node:zlib";
import type { PackageInput } from "../../package/package.js";
import type { CatalogContext, Cataloger, CatalogFile } from "../cataloger.js";
import { ELF_MAGIC, readableElf } from "../elf/elf.js";
import { errorMessage } from "../parse.js";

/** cargo-auditable's section: zlib-compressed JSON describing every crate of the build. */
const SECTION = ".dep-v0";
/** The JSON is a few KiB even for large programs; anything near this is not cargo-auditable's. */
const MAX_JSON = 8 * 1024 * 1024;
/** Sources of crates someone published (auditable-serde's values); "local" is the workspace's own code. */
const PUBLISHED = new Set(["crates.io", "registry", "git"]);

interface AuditPackage {
  name?: unknown;
  version?: unknown;
  source?: unknown;
  kind?: unknown;
  root?: unknown;
}

/**
 * cargo-auditable-binary-cataloger: the crates compiled into a Rust binary built with `cargo auditable`. Like
 * Syft it keeps runtime crates only: build-time dependencies (build scripts, proc macros) run on the build
 * machine and are not part of the binary. The root crate and local crates are the program itself.
 */
export const cargoAuditableCataloger: Cataloger = {
  name: "cargo-auditable-binary-cataloger",
  selector: { magic: [ELF_MAGIC], executableOnly: true, maxBytes: 512 * 1024 * 1024 },
  parse(file: CatalogFile, ctx: CatalogContext): PackageInput[] {
    const elf = readableElf(file.content);
    if (!elf) return [];
    const section = elf.section(SECTION);
    if (!section) return [];
    const compressed = elf.sectionData(section);
    if (!compressed) {
      ctx.warn(`${file.path}: ${SECTION} section lies outside the file`);
      return [];
    }
    let packages: AuditPackage[];
    try {
      const json = JSON.parse(inflateSync(compressed, { maxOutputLength: MAX_JSON }).toString("utf8"));
      if (!Array.isArray(json?.packages)) throw new Error('no "packages" array');
      packages = json.packages;
    } catch (e) {
      ctx.warn(`${file.path}: unreadable ${SECTION} section: ${errorMessage(e)}`);
      return [];
    }
    const out: PackageInput[] = [];
    for (const p of packages) {
      if (typeof p?.name !== "string" || typeof p.version !== "string" || !p.name || !p.version) continue;
      if (p.root === true || (p.kind ?? "runtime") !== "runtime") continue;
      const source = typeof p.source === "string" ? p.source : "";
      if (!PUBLISHED.has(source)) continue;
      out.push({
        type: "cargo",
        name: p.name,
        version: p.version,
        metadata: { source },
        location: { path: file.path },
      });
    }
    return out;
  },
};
