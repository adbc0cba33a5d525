import type { Cataloger } from "../cataloger.js";

/** The java catalogers (filled in by the java cataloger work). */
export const catalogers: Cataloger[] = [];
