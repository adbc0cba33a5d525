import type { KubeObject } from "../../target.js";

/** Small accessors over untyped Kubernetes objects (manifests are user input: every field may be anything). */
export type Obj = Record<string, unknown>;

export function obj(v: unknown): Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {};
}

export function arr(v: unknown): Obj[] {
  return Array.isArray(v) ? v.map(obj) : [];
}

export function strs(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

export function str(v: unknown): string {
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : "";
}

export function bool(v: unknown): boolean | undefined {
  return typeof v === "boolean" ? v : undefined;
}

export function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

export function nameOf(o: KubeObject): string {
  return str(o.metadata?.name) || "(unnamed)";
}

/** The namespace an object lands in; a namespaced object without one goes to "default" when applied so. */
export function namespaceOf(o: KubeObject): string {
  return str(o.metadata?.namespace) || "default";
}

/** "Deployment shop/web", "ClusterRole admin": how reports name an object. */
export function subjectId(o: KubeObject, namespaced = true): string {
  return namespaced ? `${o.kind} ${namespaceOf(o)}/${nameOf(o)}` : `${o.kind} ${nameOf(o)}`;
}

export function locationOf(o: KubeObject): { path: string; line: number } | undefined {
  return o.$source ? { path: o.$source.path, line: o.$source.line } : undefined;
}

/** Does a label selector (matchLabels + matchExpressions) select these labels? An empty selector selects all. */
export function selects(selector: unknown, labels: Record<string, string>): boolean {
  const s = obj(selector);
  for (const [k, v] of Object.entries(obj(s.matchLabels))) if (labels[k] !== str(v)) return false;
  for (const e of arr(s.matchExpressions)) {
    const key = str(e.key);
    const values = strs(e.values);
    const has = Object.hasOwn(labels, key);
    switch (str(e.operator)) {
      case "In":
        if (!has || !values.includes(labels[key] as string)) return false;
        break;
      case "NotIn":
        if (has && values.includes(labels[key] as string)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false; // an operator the API would reject selects nothing
    }
  }
  return true;
}

export function labelsOf(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(obj(v))) out[k] = str(x);
  return out;
}
