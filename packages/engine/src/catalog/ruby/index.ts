import type { Cataloger } from "../cataloger.js";
import { gemfileLockCataloger } from "./gemfile-lock.js";
import { gemspecCataloger } from "./gemspec.js";

/** Ruby: installed gem specifications, and Bundler lockfiles. */
export const catalogers: Cataloger[] = [gemspecCataloger, gemfileLockCataloger];
