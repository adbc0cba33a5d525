export { containerIdFromCgroup } from "./cgroup.js";
export { type CloudInstance, type CloudOptions, type CloudProvider, cloudFromDmi, cloudInstance } from "./cloud.js";
export { type ContainerDiscoveryOptions, containerDiscoverer } from "./containers.js";
export type { Discovered, Discoverer, DiscoveryContext } from "./discoverer.js";
export { type HostOptions, hostDiscoverer, readHost } from "./host.js";
export { type InUseOptions, inUseDiscoverer, readInUse } from "./in-use.js";
export { hostInterfaces, type Interface } from "./interfaces.js";
export { KUBERNETES_RBAC_RULES, type KubernetesOptions, kubernetesDiscoverer } from "./kubernetes.js";
export {
  type ProcessDiscovererOptions,
  type ProcessRecord,
  type ProcessSource,
  processDiscoverer,
  readProcesses,
  sharedProcesses,
} from "./processes.js";
export { readSockets, type SocketDiscovererOptions, type Sockets, socketDiscoverer } from "./sockets.js";
