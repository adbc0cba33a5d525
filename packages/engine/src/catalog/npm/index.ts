import type { Cataloger } from "../cataloger.js";
import { packageJsonCataloger } from "./package-json.js";
import { packageLockCataloger } from "./package-lock.js";
import { pnpmLockCataloger } from "./pnpm-lock.js";
import { yarnLockCataloger } from "./yarn-lock.js";

/** JavaScript: the three lockfile formats, and the manifests of installed packages. */
export const catalogers: Cataloger[] = [
  packageLockCataloger,
  yarnLockCataloger,
  pnpmLockCataloger,
  packageJsonCataloger,
];
