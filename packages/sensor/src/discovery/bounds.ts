/** String and list bounds of the report's items (packages/console/src/topology/report.ts) for the fields these
 * discoverers fill: longer values are cut, longer lists shortened, so the console never refuses a report. */
export const BOUNDS = {
  command: 4096,
  exe: 4096,
  user: 256,
  hostname: 253,
  os: 256,
  kernel: 256,
  machineId: 128,
  interfaces: 512,
  interfaceName: 64,
  addressesPerInterface: 64,
  filesPerProcess: 4096,
  path: 4096,
} as const;
