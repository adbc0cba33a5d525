import { createHash } from "node:crypto";

/** 16 hex digits of SHA-256: short, stable and unique enough to tell packages of one inventory apart. */
export function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/** Characters SPDX allows in an SPDXID after "SPDXRef-": letters, digits, "." and "-". */
export function spdxIdPart(text: string): string {
  return text.replace(/[^A-Za-z0-9.-]+/g, "-").replace(/^-+|-+$/g, "") || "x";
}
