import type { Cataloger } from "../cataloger.js";
import { rpmDbCataloger } from "./cataloger.js";

/** RHEL-family, Fedora, Amazon Linux and SUSE packages from the rpm database. */
export const catalogers: Cataloger[] = [rpmDbCataloger];
