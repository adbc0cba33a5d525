export { FindingDetail } from "./FindingDetail.js";
export { FindingsList } from "./FindingsList.js";
