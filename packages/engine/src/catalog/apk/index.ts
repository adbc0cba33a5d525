import type { Cataloger } from "../cataloger.js";

/** The apk catalogers (filled in by the apk cataloger work). */
export const catalogers: Cataloger[] = [];
