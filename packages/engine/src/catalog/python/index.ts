import type { Cataloger } from "../cataloger.js";

/** The python catalogers (filled in by the python cataloger work). */
export const catalogers: Cataloger[] = [];
