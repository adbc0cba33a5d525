// Public API of the console package: what the CLI starts and what tests and the sensor protocol need.

export { API_KEY_PREFIX, apiKeyHash, looksLikeApiKey, type NewApiKey, newApiKey } from "./auth/api-keys.js";
export { type IssuedKey, issueApiKey } from "./auth/issue-key.js";
export { localSensorKey } from "./auth/local-sensor-key.js";
export { hashPassword, PasswordPolicyError, passwordProblem, verifyPassword } from "./auth/passwords.js";
export { type Console, type ConsoleOptions, createConsole, sqlitePath } from "./console.js";
export type { ConsoleApp, ConsoleServices, ConsoleSettings } from "./http/app.js";
export type { Engine } from "./store/engine.js";
export { openStore, type Store, type StoreConfig, StoreError } from "./store/open.js";
export { type Database, ROLES, type Role } from "./store/schema.js";
export { consoleTls, type TlsMaterial } from "./tls.js";
