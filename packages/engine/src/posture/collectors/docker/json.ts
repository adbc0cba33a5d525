/** Reading the engine's JSON, whose fields may be missing, null or of another type on other engines/versions. */

export type Json = Record<string, unknown>;

export const obj = (v: unknown): Json => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {});
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
export const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
export const bool = (v: unknown): boolean => v === true;
export const strs = (v: unknown): string[] => arr(v).map(str).filter(Boolean);
