import type { PostureTarget } from "../../target.js";
import type { Collector, Subject } from "../collector.js";
import { arr, locationOf, nameOf, num, obj, str, strs, subjectId } from "./objects.js";

/** Annotations that make a cloud load balancer private to the VPC (AWS, GCP, Azure, OCI). */
const INTERNAL_LB = [
  "service.beta.kubernetes.io/aws-load-balancer-internal",
  "service.beta.kubernetes.io/aws-load-balancer-scheme",
  "networking.gke.io/load-balancer-type",
  "cloud.google.com/load-balancer-type",
  "service.beta.kubernetes.io/azure-load-balancer-internal",
  "service.beta.kubernetes.io/oci-load-balancer-internal",
];

function isInternal(annotations: Record<string, unknown>): boolean {
  return INTERNAL_LB.some((k) => {
    const v = str(annotations[k]).toLowerCase();
    return v === "true" || v === "internal";
  });
}

/** One subject per Service: how it is exposed outside the cluster. */
export const serviceCollector: Collector = {
  name: "service",
  platform: "kubernetes",
  description: "Each Service: its type, node ports, external IPs and load balancer source ranges",
  async collect(target: PostureTarget): Promise<Subject[] | undefined> {
    if (!target.kubernetes) return undefined;
    const out: Subject[] = [];
    for (const o of target.kubernetes) {
      if (o.kind !== "Service") continue;
      const spec = obj(o.spec);
      const type = str(spec.type) || "ClusterIP";
      const location = locationOf(o);
      out.push({
        id: subjectId(o),
        facts: {
          name: nameOf(o),
          namespace: str(o.metadata?.namespace),
          type,
          // A LoadBalancer allocates node ports too (unless allocateLoadBalancerNodePorts is false).
          nodeports: arr(spec.ports)
            .map((p) => num(p.nodePort) ?? 0)
            .filter((p) => p > 0),
          externalips: strs(spec.externalIPs),
          loadbalancersourceranges: strs(spec.loadBalancerSourceRanges),
          internal: isInternal(obj(o.metadata?.annotations)),
        },
        ...(location ? { location } : {}),
      });
    }
    return out;
  },
};
