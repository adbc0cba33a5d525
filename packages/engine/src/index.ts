// Public API of the engine: what the CLI, console and sensor use.

export { writeFileAtomic } from "./atomic-file.js";
export { defaultCacheDir, LayerCache } from "./cache/layer-cache.js";
export type { CatalogContext, Cataloger, CatalogFile, FileSelector } from "./catalog/cataloger.js";
export { allCatalogers } from "./catalog/catalogers.js";
export * from "./malware/index.js";
export * from "./match/index.js";
export type { Distro } from "./package/distro.js";
export type { Location, Package, PackageInput, PackageType } from "./package/package.js";
export { purlFor } from "./package/purl.js";
export * from "./posture/index.js";
export * from "./report/index.js";
export * from "./risk/index.js";
export * from "./sbom/index.js";
export type { FileScanner } from "./scan/file-scanner.js";
export { type CatalogOptions, type CatalogResult, catalogSource, type ScanProgress } from "./scan/scan.js";
export { type ContentScanner, type SourceScan, type SourceScanOptions, scanSource } from "./scan/scan-source.js";
export * from "./secrets/index.js";
export {
  loadDefaultRuleSet,
  loadRuleSet,
  mergeRuleSets,
  type RuleSet,
  type SecretRule,
} from "./secrets/rules/index.js";
export { SecretScanner, type SecretScanOptions } from "./secrets/scanner.js";
export { HOST_EXCLUDES, openDirectory, openHost } from "./source/directory.js";
export { openDockerArchive } from "./source/docker-archive.js";
export {
  ENGINE_DEFAULTS,
  EngineApiError,
  type EngineGetOptions,
  engineGet,
  enginePing,
} from "./source/engine/engine-get.js";
export { openEngineImage } from "./source/engine/index.js";
export { EntryTooLargeError, SourceError } from "./source/entry.js";
export { openOciLayout } from "./source/oci-layout.js";
export { openRegistryImage } from "./source/registry/index.js";
export { openTarget, parseTarget, type Target } from "./source/resolve.js";
export { resolveInRoot } from "./source/root-path.js";
export type { FilesystemSource, ImageConfig, ImageSource, Layer, Source, SourceOptions } from "./source/source.js";
export * from "./version/index.js";
export { ENGINE_VERSION } from "./version.js";
export * from "./vex/index.js";
export * from "./vulndb/index.js";
