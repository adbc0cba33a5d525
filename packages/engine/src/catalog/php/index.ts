import type { Cataloger } from "../cataloger.js";

/** The php catalogers (filled in by the php cataloger work). */
export const catalogers: Cataloger[] = [];
