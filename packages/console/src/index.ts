// Public API of the console package (grows with issue 6): the store and the credential primitives for now.

export { API_KEY_PREFIX, apiKeyHash, looksLikeApiKey, type NewApiKey, newApiKey } from "./auth/api-keys.js";
export { hashPassword, PasswordPolicyError, passwordProblem, verifyPassword } from "./auth/passwords.js";
export type { Engine } from "./store/engine.js";
export { openStore, type Store, type StoreConfig, StoreError } from "./store/open.js";
export { type Database, ROLES, type Role } from "./store/schema.js";
