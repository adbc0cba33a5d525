import type { Cataloger } from "../cataloger.js";
import { javaArchiveCataloger } from "./archive-cataloger.js";

/** The Java catalogers: JAR/WAR/EAR archives, nested ones included. */
export const catalogers: Cataloger[] = [javaArchiveCataloger];
