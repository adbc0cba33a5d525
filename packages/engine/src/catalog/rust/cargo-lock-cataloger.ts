import type { PackageInput } from "../../package/package.js";
import type { CatalogContext, Cataloger, CatalogFile } from "../cataloger.js";
import { parseTomlFile } from "../parse.js";

/**
 * rust-cargo-lock-cataloger: the crates a Cargo.lock pins. Entries without a `source` are the workspace's own
 * crates and path dependencies (local code, nothing to look up), so they are left out; registry and git crates
 * are kept, with their source in metadata.
 */
export const cargoLockCataloger: Cataloger = {
  name: "rust-cargo-lock-cataloger",
  selector: { basenames: ["Cargo.lock"], maxBytes: 16 * 1024 * 1024 },
  parse(file: CatalogFile, ctx: CatalogContext): PackageInput[] {
    const doc = parseTomlFile(file, ctx);
    if (doc === undefined) return [];
    const entries = doc.package;
    if (entries === undefined) return [];
    if (!Array.isArray(entries)) {
      ctx.warn(`${file.path}: "package" is not an array of tables`);
      return [];
    }
    const out: PackageInput[] = [];
    entries.forEach((e: unknown, i) => {
      const { name, version, source, checksum } = (e ?? {}) as Record<string, unknown>;
      if (typeof name !== "string" || typeof version !== "string" || !name || !version) {
        ctx.warn(`${file.path}: [[package]] #${i + 1} has no name or version; skipped`);
        return;
      }
      if (typeof source !== "string" || source === "") return;
      const metadata: Record<string, string> = { source };
      if (typeof checksum === "string") metadata.checksum = checksum;
      out.push({ type: "cargo", name, version, metadata, location: { path: file.path } });
    });
    return out;
  },
};
