/** Human and machine reports of an inventory: Syft-like table, and Rampart's native JSON. */
import type { Package } from "../package/package.js";
import type { Inventory } from "./inventory.js";

/** The name people know a package by: "@scope/pkg" for scoped npm packages; Maven shows its artifactId, as Syft does. */
function displayName(p: Package): string {
  return p.type === "npm" && p.namespace ? `${p.namespace}/${p.name}` : p.name;
}

/** The source package when it tells something: its name if it differs, with its version if that differs. */
function sourceText(p: Package): string {
  const s = p.source;
  if (!s) return "";
  const otherVersion = s.version !== "" && s.version !== p.version;
  if (s.name === p.name && !otherVersion) return "";
  return otherVersion ? `${s.name}@${s.version}` : s.name;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Columns NAME VERSION TYPE, and SOURCE when any package was built from a differently named or versioned
 * source package, sorted by name, version and
 * type, identical rows once, in the manner of `syft -o table`.
 */
export function renderTable(inv: Inventory): string {
  if (inv.packages.length === 0) return "No packages discovered\n";
  const withSource = inv.packages.some((p) => sourceText(p) !== "");
  const header = ["NAME", "VERSION", "TYPE", ...(withSource ? ["SOURCE"] : [])];
  const seen = new Set<string>();
  const rows: string[][] = [];
  for (const p of inv.packages) {
    const row = [displayName(p), p.version, p.type, ...(withSource ? [sourceText(p)] : [])];
    const key = row.join("\0");
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push(row);
  }
  // Names compare case-insensitively first, so "PyYAML" sits among the p's rather than before "a".
  const byText = (a: string, b: string) => cmp(a.toLowerCase(), b.toLowerCase()) || cmp(a, b);
  rows.sort(
    (a, b) =>
      byText(a[0] as string, b[0] as string) ||
      cmp(a[1] as string, b[1] as string) ||
      cmp(a[2] as string, b[2] as string),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] as number)))
      .join("  ")
      .trimEnd();
  return `${[header, ...rows].map(line).join("\n")}\n`;
}

const INVENTORY_KEYS = ["source", "distro", "packages", "warnings", "tool", "createdAt"];
const PACKAGE_KEYS = [
  "purl",
  "type",
  "namespace",
  "name",
  "version",
  "epoch",
  "arch",
  "source",
  "licenses",
  "qualifiers",
  "foundBy",
  "locations",
  "metadata",
];
const SOURCE_KEYS = ["kind", "name", "transport", "imageId", "manifestDigest", "tags", "architecture", "os", "layers"];

/** A copy with keys in `order` first, the rest alphabetical; nested objects alphabetical. */
function ordered(value: unknown, order: readonly string[] = []): unknown {
  if (Array.isArray(value)) return value.map((v) => ordered(v));
  if (typeof value !== "object" || value === null) return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  keys.sort((a, b) => rank(a) - rank(b) || cmp(a, b));
  return Object.fromEntries(keys.map((k) => [k, ordered(obj[k])]));
}

/** The inventory as JSON with a stable key order, so equal inventories give byte-equal output. */
export function renderJson(inv: Inventory): string {
  const doc = ordered(inv, INVENTORY_KEYS) as Record<string, unknown>;
  // Reassigning keeps each key's place while giving the main records their own order.
  doc.source = ordered(inv.source, SOURCE_KEYS);
  doc.packages = inv.packages.map((p) => ordered(p, PACKAGE_KEYS));
  return `${JSON.stringify(doc, null, 2)}\n`;
}
