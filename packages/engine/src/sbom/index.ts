export { type CycloneDxOptions, cycloneDxLicenses, renderCycloneDx, toCycloneDx } from "./cyclonedx.js";
export { MAX_COMPONENT_DEPTH, readCycloneDx } from "./cyclonedx-read.js";
export { formatInventory, SBOM_FORMATS, type SbomFormat } from "./format.js";
export { type ReadSbomOptions, SBOM_CATALOGER } from "./import-builder.js";
export type { Inventory, InventorySource } from "./inventory.js";
export {
  detectSbomFormat,
  MAX_SBOM_BYTES,
  parseSbom,
  readSbom,
  readSbomDocument,
  readSbomFile,
  type SbomInputFormat,
} from "./read.js";
export { renderJson, renderTable } from "./report.js";
export { SbomError } from "./sbom-error.js";
export { renderSpdx, type SpdxOptions, toSpdx } from "./spdx.js";
export { readSpdx } from "./spdx-read.js";
export { imagePurl } from "./subject.js";
