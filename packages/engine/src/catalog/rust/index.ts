import type { Cataloger } from "../cataloger.js";
import { cargoAuditableCataloger } from "./auditable-cataloger.js";
import { cargoLockCataloger } from "./cargo-lock-cataloger.js";

/** The Rust catalogers: Cargo.lock files and binaries built with cargo-auditable. */
export const catalogers: Cataloger[] = [cargoLockCataloger, cargoAuditableCataloger];
