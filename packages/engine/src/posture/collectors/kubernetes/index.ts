import type { Collector } from "../collector.js";
import { kubeletCollector } from "./kubelet.js";
import { namespaceNetworkCollector } from "./network.js";
import { rbacCollector } from "./rbac.js";
import { serviceCollector } from "./service.js";
import { workloadCollector } from "./workload.js";

export { findManifests, loadManifests, parseManifests } from "./manifests.js";

export const collectors: Collector[] = [
  workloadCollector,
  rbacCollector,
  namespaceNetworkCollector,
  serviceCollector,
  kubeletCollector,
];
