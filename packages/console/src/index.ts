// Public API of the console package (grows with issue 6): the store for now.
export type { Engine } from "./store/engine.js";
export { openStore, type Store, type StoreConfig, StoreError } from "./store/open.js";
export { type Database, ROLES, type Role } from "./store/schema.js";
