/** A VEX document or ignore file that cannot be used as it is; the message names the file (and line). */
export class SuppressionFileError extends Error {
  constructor(
    readonly file: string,
    detail: string,
    readonly line?: number,
  ) {
    super(`${line === undefined ? file : `${file}:${line}`}: ${detail}`);
    this.name = "SuppressionFileError";
  }
}
