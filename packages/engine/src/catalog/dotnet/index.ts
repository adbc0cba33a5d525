import type { Cataloger } from "../cataloger.js";

/** The dotnet catalogers (filled in by the dotnet cataloger work). */
export const catalogers: Cataloger[] = [];
