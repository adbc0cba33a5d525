export { ControlFacts } from "./ControlFacts.js";
export { DashboardPosture } from "./DashboardPosture.js";
export { NodePosture } from "./NodePosture.js";
export { PosturePage } from "./PosturePage.js";
export { ScanPosture } from "./ScanPosture.js";
