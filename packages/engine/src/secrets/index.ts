// Secret scanning: rules (./rules), the engine, and the scanner the scan pass feeds.
export {
  type Baseline,
  type BaselineEntry,
  BaselineError,
  BaselineMatcher,
  loadBaseline,
  parseBaseline,
  writeBaseline,
} from "./baseline.js";
export { type EngineOptions, type FileResult, SecretEngine } from "./engine.js";
export { DEFAULT_FINGERPRINT_SALT, fingerprintSecret } from "./fingerprint.js";
export { maskSecret } from "./mask.js";
export {
  DEFAULT_RULES_PATH,
  loadDefaultRuleSet,
  loadRuleSet,
  mergeRuleSets,
  type RuleSet,
  RuleSetError,
  type SecretRule,
} from "./rules/index.js";
export { scanText } from "./scan-text.js";
export { SECRET_ENGINE_VERSION, SecretScanner, type SecretScanOptions, type SecretScanStats } from "./scanner.js";
export { DEFAULT_MAX_FILE_BYTES, DEFAULT_SECRET_EXCLUDES } from "./skip.js";
export type { SecretFinding } from "./types.js";
