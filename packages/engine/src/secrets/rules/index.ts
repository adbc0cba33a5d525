import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadRuleSet, type RuleSet } from "./schema.js";

export { shannonEntropy } from "./entropy.js";
export {
  appliesToPath,
  type CompiledRule,
  compileRule,
  findSecrets,
  hasKeyword,
  isReportable,
  type SecretMatch,
} from "./match.js";
export { MAX_REPEAT, portabilityProblem } from "./regex-syntax.js";
export {
  captureGroups,
  loadRuleSet,
  mergeRuleSets,
  RULES_FORMAT_VERSION,
  type RuleSet,
  RuleSetError,
  regexProblem,
  SEVERITIES,
  type SecretRule,
  type SecretRuleExamples,
  type SecretSeverity,
} from "./schema.js";

/** Rampart's default rule file, shipped next to this module (the build must copy it alongside). */
export const DEFAULT_RULES_PATH = fileURLToPath(new URL("./default.yaml", import.meta.url));

/** Loads the default rule set; a user file is layered on top with mergeRuleSets(defaults, loadRuleSet(...)). */
export function loadDefaultRuleSet(): RuleSet {
  return loadRuleSet(readFileSync(DEFAULT_RULES_PATH, "utf8"), DEFAULT_RULES_PATH);
}
