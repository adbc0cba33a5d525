/**
 * The sensor protocol's contract, for the sensor: report and upload shapes, item keys and limits. Depends on
 * nothing but TypeBox, so a sensor importing it (types, itemKey, LIMITS) stays free of the console's server.
 */
export * from "./scans/sensor-upload.js";
export * from "./topology/report.js";
