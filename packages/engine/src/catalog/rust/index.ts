import type { Cataloger } from "../cataloger.js";

/** The rust catalogers (filled in by the rust cataloger work). */
export const catalogers: Cataloger[] = [];
