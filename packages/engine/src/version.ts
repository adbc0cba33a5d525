/** The engine's version, written into SBOMs and used to key caches. Kept in step with package.json. */
export const ENGINE_VERSION = "0.1.0";
