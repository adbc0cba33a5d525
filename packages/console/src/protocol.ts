/**
 * The sensor protocol's contract, for the sensor: report and upload shapes (types only), and the limits,
 * sections and item keys both sides compute — without TypeBox, so a sensor importing this stays light.
 */

export type * from "./scans/sensor-upload.js";
export { emptySnapshot, itemKey, LIMITS, SECTIONS } from "./topology/keys.js";
export type * from "./topology/report.js";
