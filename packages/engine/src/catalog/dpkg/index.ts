import type { Cataloger } from "../cataloger.js";

/** The dpkg catalogers (filled in by the dpkg cataloger work). */
export const catalogers: Cataloger[] = [];
