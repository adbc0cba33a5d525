export { ApiKeys } from "./ApiKeys.js";
export { AuditLog } from "./AuditLog.js";
export { Settings } from "./Frame.js";
export { Sensors } from "./Sensors.js";
export { SystemStatus } from "./SystemStatus.js";
export { Users } from "./Users.js";
