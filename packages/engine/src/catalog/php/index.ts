import type { Cataloger } from "../cataloger.js";
import { composerLockCataloger } from "./composer-lock.js";
import { installedJsonCataloger } from "./installed-json.js";

/** PHP: Composer lockfiles and Composer's record of installed packages. */
export const catalogers: Cataloger[] = [composerLockCataloger, installedJsonCataloger];
