export { type Lookup, lookupFor } from "./ecosystem.js";
export type { Finding, FindingPackage, FixState, MatchKey } from "./finding.js";
export { byRisk, Matcher, type MatchOptions, type MatchResult } from "./matcher.js";
