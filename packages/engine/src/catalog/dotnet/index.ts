import type { Cataloger } from "../cataloger.js";
import { depsJsonCataloger } from "./deps-json.js";
import { packagesLockCataloger } from "./packages-lock.js";

/** .NET: published applications' deps.json, and NuGet lockfiles. */
export const catalogers: Cataloger[] = [depsJsonCataloger, packagesLockCataloger];
