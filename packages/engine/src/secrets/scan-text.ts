import { SecretEngine } from "./engine.js";
import { loadDefaultRuleSet } from "./rules/index.js";
import type { RuleSet } from "./rules/schema.js";
import type { SecretFinding } from "./types.js";

const engines = new WeakMap<RuleSet, Map<string, SecretEngine>>();
let defaults: RuleSet | undefined;

/**
 * Scans one text on the calling thread (tests, small inputs). Path filters and lock-file rules apply; the
 * scanner's file-level skips (size, excludes, binary content) do not. The compiled engine is kept per rule
 * set and salt.
 */
export function scanText(path: string, text: string, opts: { rules?: RuleSet; salt?: string } = {}): SecretFinding[] {
  defaults ??= opts.rules === undefined ? loadDefaultRuleSet() : undefined;
  const rules = opts.rules ?? (defaults as RuleSet);
  let bySalt = engines.get(rules);
  if (!bySalt) {
    bySalt = new Map();
    engines.set(rules, bySalt);
  }
  const salt = opts.salt ?? "";
  let engine = bySalt.get(salt);
  if (!engine) {
    engine = new SecretEngine(rules, opts.salt !== undefined ? { salt: opts.salt } : {});
    bySalt.set(salt, engine);
  }
  return engine.scanText(path, text);
}
