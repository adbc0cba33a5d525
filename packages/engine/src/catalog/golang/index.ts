import type { Cataloger } from "../cataloger.js";

/** The golang catalogers (filled in by the golang cataloger work). */
export const catalogers: Cataloger[] = [];
