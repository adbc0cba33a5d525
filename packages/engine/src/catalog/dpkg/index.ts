import type { Cataloger } from "../cataloger.js";
import { dpkgDbCataloger } from "./cataloger.js";

/** Debian packages from dpkg's status database and distroless status.d entries. */
export const catalogers: Cataloger[] = [dpkgDbCataloger];
