export { ScanDetail } from "./ScanDetail.js";
export { Scans } from "./Scans.js";
