import { parse as parseToml } from "smol-toml";
import type { PackageInput } from "../../package/package.js";
import type { CatalogContext, Cataloger, CatalogFile } from "../cataloger.js";

/**
 * rust-cargo-lock-cataloger: the crates a Cargo.lock pins. Entries without a `source` are the workspace's own
 * crates and path dependencies (local code, nothing to look up), so they are left out; registry and git crates
 * are kept, with their source in metadata.
 */
export const cargoLockCataloger: Cataloger = {
  name: "rust-cargo-lock-cataloger",
  selector: { basenames: ["Cargo.lock"], maxBytes: 16 * 1024 * 1024 },
  parse(file: CatalogFile, ctx: CatalogContext): PackageInput[] {
    let doc: Record<string, unknown>;
    try {
      doc = parseToml(file.content.toString("utf8"));
    } catch (e) {
      ctx.warn(`${file.path}: not valid TOML: ${e instanceof Error ? e.message.split("\n", 1)[0] : String(e)}`);
      return [];
    }
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
