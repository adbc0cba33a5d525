/** A feed could not be fetched or is not what it claims to be. The DB in place is left untouched. */
export class FeedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FeedError";
  }
}

/** The vulnerability DB is missing, damaged, or of a schema this version cannot read. */
export class DbError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DbError";
  }
}
