export { HostPage } from "./HostPage.js";
export { TopologyPage } from "./TopologyPage.js";
