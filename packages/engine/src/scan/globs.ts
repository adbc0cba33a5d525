import type Picomatch from "picomatch";
import { lazy } from "../lazy.js";

const picomatch = lazy<typeof Picomatch>("picomatch");

/**
 * Glob matching for scan paths (absolute, "/"-separated); dot files match like any other. The globs are
 * compiled by picomatch and joined into one regex: one test per path instead of one per glob.
 */
export function globMatcher(globs: readonly string[]): (path: string) => boolean {
  if (globs.length === 0) return () => false;
  const re = new RegExp(globs.map((g) => `(?:${picomatch().makeRe(g, { dot: true }).source})`).join("|"));
  return (path) => re.test(path);
}
