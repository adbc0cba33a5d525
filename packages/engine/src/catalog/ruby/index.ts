import type { Cataloger } from "../cataloger.js";

/** The ruby catalogers (filled in by the ruby cataloger work). */
export const catalogers: Cataloger[] = [];
