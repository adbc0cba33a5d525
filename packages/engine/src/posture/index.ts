export { loadBuiltinControls } from "./builtin.js";
export type { Collector, Subject } from "./collectors/collector.js";
export { dockerApi } from "./collectors/docker/index.js";
export { allCollectors } from "./collectors/index.js";
export {
  CLUSTER_RESOURCES,
  type ClusterAccess,
  ClusterError,
  clusterFromKubeconfig,
  listClusterObjects,
} from "./collectors/kubernetes/cluster.js";
export * from "./control.js";
export { type ControlDocument, type PostureDocument, postureDocument } from "./document.js";
export { evaluatePosture, type PostureOptions } from "./engine.js";
export { type FileMeta, FileView } from "./file-view.js";
export { FRAMEWORK_TITLES, frameworkView, requirementKey } from "./frameworks.js";
export { findIac } from "./iac.js";
export { type ControlSet, ControlSetError, loadControlSet, mergeControlSets } from "./load.js";
export {
  CLUSTER_TARGET,
  DEFAULT_ENGINE_SOCKETS,
  type OpenedPostureTarget,
  type OpenPostureOptions,
  openClusterTarget,
  openPostureTarget,
} from "./open.js";
export { type PostureSummary, postureSummary } from "./summary.js";
export type { DockerApi, DockerfileInput, KubeObject, PostureTarget } from "./target.js";
