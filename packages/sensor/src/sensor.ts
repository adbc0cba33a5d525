import { Sensor } from "./agent/agent.js";
import { ConsoleHttp, type Trust } from "./agent/client.js";
import { containerDiscoverer } from "./discovery/containers.js";
import type { Discoverer } from "./discovery/discoverer.js";
import { hostDiscoverer } from "./discovery/host.js";
import { inUseDiscoverer } from "./discovery/in-use.js";
import { kubernetesDiscoverer } from "./discovery/kubernetes.js";
import { processDiscoverer, sharedProcesses } from "./discovery/processes.js";
import { socketDiscoverer } from "./discovery/sockets.js";
import type { ScanLimits, WorkerCommand } from "./scan/runner.js";

export interface SensorConfig {
  consoleUrl: string;
  trust: Trust;
  apiKey: string;
  tags?: Record<string, string>;
  dataDir: string;
  /** "/proc" on the host; "/host/proc" in a container with the host's /proc mounted there. */
  procRoot?: string;
  /** "/" on the host; "/host" in a container with the host's root mounted there. */
  hostRoot?: string;
  reportSeconds?: number;
  outboxBytes?: number;
  /** Container engine sockets besides the well-known ones. */
  engineSockets?: { engine: "docker" | "podman"; socket: string }[];
  /** Ask the cloud's metadata service for the instance (only when the machine's DMI names a cloud). */
  cloudMetadata?: boolean;
  scanWorker: WorkerCommand;
  scanLimits?: Partial<ScanLimits>;
  scanConcurrency?: number;
  log?: (line: string) => void;
}

/** Every discoverer, sharing one read of /proc per pass. */
export function defaultDiscoverers(o: Pick<SensorConfig, "engineSockets" | "cloudMetadata">): Discoverer[] {
  const processes = sharedProcesses();
  return [
    hostDiscoverer({ cloudMetadata: o.cloudMetadata ?? true }),
    processDiscoverer({ processes }),
    socketDiscoverer({ processes }),
    inUseDiscoverer({ processes }),
    containerDiscoverer({ sockets: (o.engineSockets ?? []).map((e) => e.socket) }),
    kubernetesDiscoverer(),
  ];
}

/** The well-known container engine sockets, as paths on the host (resolved under the host root when used). */
export const WELL_KNOWN_ENGINE_SOCKETS: { engine: "docker" | "podman"; socket: string; onHost: true }[] = [
  { engine: "docker", socket: "/run/docker.sock", onHost: true },
  { engine: "docker", socket: "/var/run/docker.sock", onHost: true },
  { engine: "podman", socket: "/run/podman/podman.sock", onHost: true },
];

export function createSensor(c: SensorConfig): Sensor {
  const hostRoot = c.hostRoot ?? "/";
  return new Sensor({
    http: new ConsoleHttp(c.consoleUrl, c.trust),
    apiKey: c.apiKey,
    ...(c.tags ? { tags: c.tags } : {}),
    dataDir: c.dataDir,
    discoverers: defaultDiscoverers(c),
    procRoot: c.procRoot ?? "/proc",
    hostRoot,
    ...(c.reportSeconds ? { reportSeconds: c.reportSeconds } : {}),
    ...(c.outboxBytes ? { outboxBytes: c.outboxBytes } : {}),
    engineSockets: [...(c.engineSockets ?? []), ...WELL_KNOWN_ENGINE_SOCKETS],
    scanWorker: c.scanWorker,
    ...(c.scanLimits ? { scanLimits: c.scanLimits } : {}),
    ...(c.scanConcurrency ? { scanConcurrency: c.scanConcurrency } : {}),
    ...(c.log ? { log: c.log } : {}),
  });
}
