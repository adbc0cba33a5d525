/** The output formats of `rampart sbom`, and rendering an inventory in one of them. */
import { renderCycloneDx } from "./cyclonedx.js";
import type { Inventory } from "./inventory.js";
import { renderJson, renderTable } from "./report.js";
import { renderSpdx } from "./spdx.js";

export const SBOM_FORMATS = ["table", "cyclonedx", "spdx", "json"] as const;
export type SbomFormat = (typeof SBOM_FORMATS)[number];

const RENDERERS: Record<SbomFormat, (inv: Inventory) => string> = {
  table: renderTable,
  cyclonedx: (inv) => renderCycloneDx(inv),
  spdx: (inv) => renderSpdx(inv),
  json: renderJson,
};

/** The inventory as text in the given format: CycloneDX 1.6 JSON, SPDX 2.3 JSON, native JSON or a table. */
export function formatInventory(inv: Inventory, format: SbomFormat): string {
  const render = RENDERERS[format];
  if (!render) throw new Error(`unknown SBOM format ${JSON.stringify(format)}; use one of ${SBOM_FORMATS.join(", ")}`);
  return render(inv);
}
