import type * as CycloneDxSpdx from "@cyclonedx/cyclonedx-library/SPDX";
import type parseSpdxExpressionFn from "spdx-expression-parse";
import { lazy } from "../lazy.js";

const spdxIds = lazy<typeof CycloneDxSpdx>("@cyclonedx/cyclonedx-library/SPDX");
const parseSpdxExpression = lazy<typeof parseSpdxExpressionFn>("spdx-expression-parse");

/**
 * One declared license, sorted into what SBOM formats can carry: a license-list id, a compound SPDX
 * expression ("MIT OR Apache-2.0", "GPL-2.0+"), or free text ("GPLv3+", "BSD") that is neither.
 */
export type LicenseKind =
  | { kind: "id"; id: string }
  | { kind: "expression"; expression: string }
  | { kind: "name"; name: string };

export function classifyLicense(text: string): LicenseKind {
  const value = text.trim();
  // CycloneDX's schema only accepts ids from its copy of the SPDX list; its helper also fixes the case.
  const id = spdxIds().fixupSpdxId(value);
  if (id !== undefined) return { kind: "id", id };
  if (isSpdxExpression(value)) return { kind: "expression", expression: value };
  return { kind: "name", name: value };
}

export function isSpdxExpression(text: string): boolean {
  try {
    parseSpdxExpression()(text);
    return true;
  } catch {
    return false;
  }
}

/** Parenthesizes a compound expression so it can be joined with AND. */
const term = (expression: string) => (/\s/.test(expression) ? `(${expression})` : expression);

/** Joins licenses a package declares together: all of them apply, as Syft and Trivy read such lists. */
export function joinExpressions(expressions: readonly string[]): string {
  return expressions.length === 1 ? (expressions[0] as string) : expressions.map(term).join(" AND ");
}

/** LicenseRef-<idstring> for a free-text license; idstring allows letters, digits, "." and "-" only. */
export function licenseRef(name: string): string {
  const id = name.replace(/[^A-Za-z0-9.-]+/g, "-").replace(/^-+|-+$/g, "");
  return `LicenseRef-${id || "unknown"}`;
}
