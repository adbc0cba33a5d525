/**
 * Type checks for parsed SBOM JSON. A field of the wrong type throws an SbomError naming the field's path,
 * so a bad document fails with a message the user can act on rather than a TypeError deep in a reader.
 */
import type { Property } from "./properties.js";
import { SbomError } from "./sbom-error.js";

export type JsonObject = Record<string, unknown>;

export const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

const describe = (v: unknown) =>
  v === undefined
    ? "missing"
    : v === null
      ? "null"
      : Array.isArray(v)
        ? "an array"
        : typeof v === "object"
          ? "an object"
          : `a ${typeof v}`;

export class Shape {
  constructor(private readonly format: string) {}

  fail(where: string, expected: string, got: unknown): never {
    throw new SbomError(`${this.format}: ${where} must be ${expected}, but it is ${describe(got)}`);
  }

  object(v: unknown, where: string): JsonObject {
    return isObject(v) ? v : this.fail(where, "an object", v);
  }

  optObject(v: unknown, where: string): JsonObject | undefined {
    return v === undefined ? undefined : this.object(v, where);
  }

  optArray(v: unknown, where: string): unknown[] | undefined {
    if (v === undefined) return undefined;
    return Array.isArray(v) ? v : this.fail(where, "an array", v);
  }

  optString(v: unknown, where: string): string | undefined {
    if (v === undefined) return undefined;
    return typeof v === "string" ? v : this.fail(where, "a string", v);
  }

  /** name/value property list (CycloneDX properties); a value may be absent. */
  properties(v: unknown, where: string): Property[] {
    return (this.optArray(v, where) ?? []).map((item, i) => {
      const p = this.object(item, `${where}[${i}]`);
      const name = this.optString(p.name, `${where}[${i}].name`);
      if (name === undefined) this.fail(`${where}[${i}].name`, "a string", undefined);
      return { name, value: this.optString(p.value, `${where}[${i}].value`) ?? "" };
    });
  }
}
