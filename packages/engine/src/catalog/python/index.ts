import type { Cataloger } from "../cataloger.js";
import { installedPackageCataloger } from "./installed.js";
import { pipfileLockCataloger } from "./pipfile-lock.js";
import { poetryLockCataloger } from "./poetry-lock.js";
import { requirementsCataloger } from "./requirements.js";
import { uvLockCataloger } from "./uv-lock.js";

/** Python: installed distributions, and the requirement and lock files of projects. */
export const catalogers: Cataloger[] = [
  installedPackageCataloger,
  requirementsCataloger,
  poetryLockCataloger,
  pipfileLockCataloger,
  uvLockCataloger,
];
