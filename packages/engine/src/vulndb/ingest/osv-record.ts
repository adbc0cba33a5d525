import { errorMessage, isRecord } from "../../catalog/parse.js";
import { FeedError } from "../errors.js";
import type { OsvAffected, OsvEvent, OsvRange, OsvRecord } from "../osv.js";

const EVENT_KEYS = ["introduced", "fixed", "last_affected", "limit"] as const;

const isString = (v: unknown): v is string => typeof v === "string";
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

/** Parses one record's JSON text and validates it (FeedError naming `where` if either fails). */
export function parseOsvRecord(text: string, where: string): OsvRecord {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new FeedError(`${where}: not valid JSON: ${errorMessage(e)}`);
  }
  return validateOsvRecord(doc, where);
}

/**
 * Checks a parsed JSON document against the parts of the OSV schema that matching relies on, and returns it
 * typed. Throws a FeedError naming `where` and the first offending field: a feed that breaks the schema is
 * rejected whole rather than half-imported.
 */
export function validateOsvRecord(doc: unknown, where: string): OsvRecord {
  const bad = (field: string, why: string): never => {
    throw new FeedError(`${where}: not a valid OSV record: ${field} ${why}`);
  };
  if (!isRecord(doc)) return bad("document", "is not a JSON object");
  if (!isString(doc.id) || doc.id === "") bad("id", "is missing");
  if (!isString(doc.modified)) bad("modified", "is missing");
  for (const k of ["aliases", "related", "upstream"] as const)
    if (doc[k] !== undefined && !isStringArray(doc[k])) bad(k, "is not a list of strings");
  for (const k of ["summary", "details", "published", "withdrawn", "schema_version"] as const)
    if (doc[k] !== undefined && !isString(doc[k])) bad(k, "is not a string");
  if (doc.severity !== undefined) checkSeverity(doc.severity, "severity", bad);
  if (doc.references !== undefined) {
    if (!Array.isArray(doc.references)) bad("references", "is not a list");
    for (const [i, r] of (doc.references as unknown[]).entries())
      if (!isRecord(r) || !isString(r.url) || !isString(r.type)) bad(`references[${i}]`, "needs type and url");
  }
  if (doc.database_specific !== undefined && !isRecord(doc.database_specific))
    bad("database_specific", "is not an object");
  if (doc.affected !== undefined) {
    if (!Array.isArray(doc.affected)) bad("affected", "is not a list");
    for (const [i, a] of (doc.affected as unknown[]).entries()) checkAffected(a, `affected[${i}]`, bad);
  }
  return doc as unknown as OsvRecord;
}

type Bad = (field: string, why: string) => never;

function checkSeverity(v: unknown, at: string, bad: Bad): void {
  if (!Array.isArray(v)) bad(at, "is not a list");
  for (const [i, s] of (v as unknown[]).entries())
    if (!isRecord(s) || !isString(s.type) || !isString(s.score)) bad(`${at}[${i}]`, "needs type and score");
}

function checkAffected(a: unknown, at: string, bad: Bad): asserts a is OsvAffected {
  if (!isRecord(a)) return bad(at, "is not an object");
  if (a.package !== undefined) {
    const p = a.package;
    if (!isRecord(p) || !isString(p.ecosystem) || !isString(p.name)) bad(`${at}.package`, "needs ecosystem and name");
  }
  if (a.severity !== undefined) checkSeverity(a.severity, `${at}.severity`, bad);
  if (a.versions !== undefined && !isStringArray(a.versions)) bad(`${at}.versions`, "is not a list of strings");
  for (const k of ["ecosystem_specific", "database_specific"] as const)
    if (a[k] !== undefined && !isRecord(a[k])) bad(`${at}.${k}`, "is not an object");
  if (a.ranges === undefined) return;
  if (!Array.isArray(a.ranges)) return bad(`${at}.ranges`, "is not a list");
  for (const [i, r] of (a.ranges as unknown[]).entries()) checkRange(r, `${at}.ranges[${i}]`, bad);
}

function checkRange(r: unknown, at: string, bad: Bad): asserts r is OsvRange {
  if (!isRecord(r)) return bad(at, "is not an object");
  if (r.type !== "SEMVER" && r.type !== "ECOSYSTEM" && r.type !== "GIT")
    bad(`${at}.type`, `is ${JSON.stringify(r.type)}`);
  if (!Array.isArray(r.events) || r.events.length === 0) return bad(`${at}.events`, "is missing or empty");
  for (const [i, e] of (r.events as unknown[]).entries()) {
    const keys = isRecord(e) ? Object.keys(e) : [];
    const k = keys[0] as (typeof EVENT_KEYS)[number] | undefined;
    if (
      keys.length !== 1 ||
      k === undefined ||
      !EVENT_KEYS.includes(k) ||
      !isString((e as OsvEvent & object)[k as never])
    )
      bad(`${at}.events[${i}]`, "must have exactly one of introduced, fixed, last_affected, limit (a string)");
  }
}
