export { exportDb, importDb } from "./archive.js";
export { type FeedMode, type FeedUpdate, type UpdateOptions, type UpdateResult, updateDb } from "./build.js";
export { DbError, FeedError } from "./errors.js";
export { DEFAULT_ECOSYSTEMS, PUBLIC_FEEDS } from "./location.js";
export { nameKey } from "./name-key.js";
export type { OsvAffected, OsvEvent, OsvRange, OsvRecord, OsvSeverity } from "./osv.js";
export { type AdvisoryInfo, type AffectedRow, type DbStatus, defaultDbDir, VulnDb } from "./reader.js";
export { SCHEMA_VERSION } from "./schema.js";
