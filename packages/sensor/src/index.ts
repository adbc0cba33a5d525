export { AGENT_VERSION, Sensor, type SensorOptions } from "./agent/agent.js";
export { ConsoleHttp, normaliseFingerprint, type Trust, TrustError, UnreachableError } from "./agent/client.js";
export { diffSnapshots } from "./agent/delta.js";
export { type Entry, Outbox } from "./agent/outbox.js";
export * from "./discovery/index.js";
export { discover } from "./discovery/merge.js";
export { DEFAULT_LIMITS, runScan, ScanFailed, type ScanLimits, type WorkerCommand } from "./scan/runner.js";
export { createSensor, defaultDiscoverers, type SensorConfig, WELL_KNOWN_ENGINE_SOCKETS } from "./sensor.js";
