import type { Cataloger } from "../cataloger.js";
import { apkDbCataloger } from "./cataloger.js";

/** Alpine, Wolfi and Chainguard packages from apk's installed database. */
export const catalogers: Cataloger[] = [apkDbCataloger];
