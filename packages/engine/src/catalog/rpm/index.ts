import type { Cataloger } from "../cataloger.js";

/** The rpm catalogers (filled in by the rpm cataloger work). */
export const catalogers: Cataloger[] = [];
