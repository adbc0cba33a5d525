import type { Cataloger } from "../cataloger.js";
import { dpkgDbCataloger } from "./cataloger.js";
import { dpkgFileListCataloger } from "./file-list-cataloger.js";

/** Debian packages from dpkg's status database and distroless status.d entries; dpkg's file lists. */
export const catalogers: Cataloger[] = [dpkgDbCataloger, dpkgFileListCataloger];
