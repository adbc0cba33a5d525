import type { Cataloger } from "../cataloger.js";

/** The npm catalogers (filled in by the npm cataloger work). */
export const catalogers: Cataloger[] = [];
