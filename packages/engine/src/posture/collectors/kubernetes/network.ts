import type { KubeObject, PostureTarget } from "../../target.js";
import type { Collector, Subject } from "../collector.js";
import { arr, labelsOf, nameOf, namespaceOf, obj, selects, strs } from "./objects.js";
import { podTemplateOf } from "./pod-template.js";

/** The policy types a NetworkPolicy governs: as the API defaults them when policyTypes is empty. */
function policyTypes(spec: Record<string, unknown>): string[] {
  const t = strs(spec.policyTypes);
  if (t.length) return t;
  return spec.egress !== undefined ? ["Ingress", "Egress"] : ["Ingress"];
}

/** Selects every pod of its namespace and allows nothing of that direction: a default deny. */
function deniesAll(p: KubeObject, direction: "Ingress" | "Egress"): boolean {
  const spec = obj(p.spec);
  const sel = obj(spec.podSelector);
  const empty = Object.keys(obj(sel.matchLabels)).length === 0 && arr(sel.matchExpressions).length === 0;
  const rules = arr(direction === "Ingress" ? spec.ingress : spec.egress);
  return empty && policyTypes(spec).includes(direction) && rules.length === 0;
}

/**
 * One subject per namespace that runs workloads: whether NetworkPolicies select its pods, and whether a
 * default-deny policy exists for each direction. Without a policy selecting it a pod accepts all traffic.
 */
export const namespaceNetworkCollector: Collector = {
  name: "namespaceNetwork",
  platform: "kubernetes",
  description: "Each namespace with workloads: the NetworkPolicies that select its pods",
  async collect(target: PostureTarget): Promise<Subject[] | undefined> {
    if (!target.kubernetes) return undefined;
    const policies = target.kubernetes.filter((o) => o.kind === "NetworkPolicy");
    const byNs = new Map<string, Array<{ name: string; labels: Record<string, string> }>>();
    for (const o of target.kubernetes) {
      const t = podTemplateOf(o);
      if (!t) continue;
      const list = byNs.get(namespaceOf(o)) ?? [];
      list.push({ name: `${o.kind}/${nameOf(o)}`, labels: labelsOf(t.metadata.labels) });
      byNs.set(namespaceOf(o), list);
    }
    const out: Subject[] = [];
    for (const [ns, workloads] of [...byNs.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const mine = policies.filter((p) => namespaceOf(p) === ns);
      const unselected = workloads
        .filter((w) => !mine.some((p) => selects(obj(p.spec).podSelector, w.labels)))
        .map((w) => w.name);
      out.push({
        id: `Namespace ${ns}`,
        facts: {
          namespace: ns,
          workloads: workloads.map((w) => w.name),
          policies: mine.map(nameOf),
          unselected,
          defaultdenyingress: mine.some((p) => deniesAll(p, "Ingress")),
          defaultdenyegress: mine.some((p) => deniesAll(p, "Egress")),
        },
      });
    }
    return out;
  },
};
