import { type Expression, type SqlBool, sql } from "kysely";

/** A cursor the client sent back that this API did not give out (or gave out for another sort). */
export class CursorError extends Error {
  override name = "CursorError";
  constructor() {
    super("invalid cursor: pass back the `next` value of the previous page unchanged, with the same sort");
  }
}

export type KeyValue = string | number;

/**
 * An opaque cursor: the sort's name and the last row's sort key (ending with its id), base64url JSON. The next
 * page starts strictly after that key, so rows inserted meanwhile never shift a page (keyset pagination).
 */
export function encodeCursor(sort: string, key: readonly KeyValue[]): string {
  return Buffer.from(JSON.stringify([sort, ...key])).toString("base64url");
}

/** The key a cursor carries; `kinds` says each part's type ("n" number, "s" text). Throws CursorError. */
export function decodeCursor(cursor: string, sort: string, kinds: readonly ("n" | "s")[]): KeyValue[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new CursorError();
  }
  if (!Array.isArray(parsed) || parsed[0] !== sort || parsed.length !== kinds.length + 1) throw new CursorError();
  const key = parsed.slice(1) as unknown[];
  key.forEach((v, i) => {
    const ok =
      kinds[i] === "n" ? typeof v === "number" && Number.isFinite(v) : typeof v === "string" && v.length <= 512;
    if (!ok) throw new CursorError();
  });
  return key as KeyValue[];
}

/**
 * Rows after `key` in descending (c1, c2, …) order: the row-value comparison (c1, c2, …) < (v1, v2, …), which
 * both engines answer from an index on the same columns (and which also works in HAVING).
 */
export function afterKey(columns: readonly Expression<unknown>[], key: readonly KeyValue[]): Expression<SqlBool> {
  if (columns.length === 0 || columns.length !== key.length) throw new CursorError();
  return sql<SqlBool>`(${sql.join(columns)}) < (${sql.join(key.map((v) => sql`${v}`))})`;
}
