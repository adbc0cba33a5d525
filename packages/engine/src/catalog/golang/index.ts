import type { Cataloger } from "../cataloger.js";
import { goModuleBinaryCataloger } from "./binary-cataloger.js";
import { goModuleFileCataloger } from "./mod-file-cataloger.js";

/** The Go catalogers: compiled binaries (embedded build info) and go.mod files. */
export const catalogers: Cataloger[] = [goModuleBinaryCataloger, goModuleFileCataloger];
