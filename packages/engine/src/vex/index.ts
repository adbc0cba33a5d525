// Suppression: ignore files and VEX documents, and taking out the findings they cover.
export {
  applySuppressions,
  type SuppressionOptions,
  type SuppressionResult,
  type SuppressionRules,
} from "./apply.js";
export { loadIgnoreFile, parseIgnoreFile } from "./ignore-file.js";
export { type PurlKey, parsePurl, purlMatches, sameRelease } from "./purl-match.js";
export { formatVexReason, parseVexReason, type VexReason } from "./reason.js";
export { SuppressionFileError } from "./suppression-error.js";
export type { IgnoreRule, VexFormat, VexProduct, VexStatement, VexSubject } from "./types.js";
export { CYCLONEDX_STATES, loadVex, OPENVEX_STATUSES, parseVex } from "./vex-document.js";
