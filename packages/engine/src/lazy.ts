import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/**
 * A dependency loaded on first use, synchronously (through require: every one passed here ships CommonJS).
 * Parsers for formats a scan never meets — YAML, TOML, zip, SQLite, license lists — then cost nothing at
 * start-up, which is most of the time of a rescan whose layers are all cached.
 */
export function lazy<T>(id: string): () => T {
  let mod: T | undefined;
  return () => {
    mod ??= require(id) as T;
    return mod;
  };
}
