// A generated estate for the topology graph at scale, as sensors report it: `hosts` hosts, each with 5
// containers (own bridge addresses) and 44 processes (a third on the host, the rest in the containers), every
// process listening on its own port, and `edges` distinct client→server connections between random processes
// (seeded), reported by the client's side only. Resolved by the console, it draws 50 graph nodes per host
// (host + 5 containers + 44 processes) and exactly `edges` process-to-process edges. Used by the UI bench and
// the topology browser test, which seed it through the console's sensor API.
import { mulberry32 } from "../test/fixtures/prng.js";

export const CONTAINERS_PER_HOST = 5;
export const PROCESSES_PER_HOST = 44;
export const NODES_PER_HOST = 1 + CONTAINERS_PER_HOST + PROCESSES_PER_HOST;

export interface EstateHost {
  hostname: string;
  machineId: string;
  address: string;
  /** The body of its full report, without seq (the sensor numbers it). */
  report: {
    kind: "full";
    at: string;
    host: { hostname: string; os: string; kernel: string; machineId: string; interfaces: Iface[] };
    processes: { pid: number; ppid: number; command: string; user: string; exe: string; containerId?: string }[];
    listening: { proto: "tcp"; address: string; port: number; pid: number; containerId?: string }[];
    connections: {
      proto: "tcp";
      local: { address: string; port: number };
      remote: { address: string; port: number };
      pid: number;
      containerId?: string;
    }[];
    containers: {
      id: string;
      name: string;
      image: string;
      imageId: string;
      state: string;
      pids: number[];
      addresses: string[];
    }[];
    images: never[];
    pods: never[];
    services: never[];
  };
}
interface Iface {
  name: string;
  addresses: string[];
}

const base = (h: number) => `10.${(h >> 8) & 255}.${h & 255}`;
const hostAddress = (h: number) => `${base(h)}.1`;
const containerAddress = (h: number, c: number) => `${base(h)}.${10 + c}`;
const containerId = (h: number, c: number) => `${h.toString(16).padStart(6, "0")}c${c}${"0".repeat(56)}`;
/** Process p of a host: a third on the host itself, the others spread over its containers. */
const containerOf = (p: number) => (p % 3 === 0 ? undefined : p % CONTAINERS_PER_HOST);
const pidOf = (p: number) => 100 + p;
const portOf = (p: number) => 10_000 + p;

export function generateEstate(hosts: number, edges: number, seed = 8): EstateHost[] {
  const at = new Date().toISOString();
  const out: EstateHost[] = Array.from({ length: hosts }, (_, h) => {
    const hostname = `host-${String(h).padStart(5, "0")}`;
    const machineId = `m${String(h).padStart(31, "0")}`;
    const processes: EstateHost["report"]["processes"] = [];
    const listening: EstateHost["report"]["listening"] = [];
    for (let p = 0; p < PROCESSES_PER_HOST; p++) {
      const c = containerOf(p);
      const inC = c === undefined ? {} : { containerId: containerId(h, c) };
      processes.push({
        pid: pidOf(p),
        ppid: 1,
        command: `/srv/app-${p} --port ${portOf(p)}`,
        user: "app",
        exe: `/srv/app-${p}`,
        ...inC,
      });
      listening.push({ proto: "tcp", address: "0.0.0.0", port: portOf(p), pid: pidOf(p), ...inC });
    }
    const containers = Array.from({ length: CONTAINERS_PER_HOST }, (_, c) => ({
      id: containerId(h, c),
      name: `app-${c}`,
      image: `registry.example/app-${c}:1`,
      imageId: `sha256:${String(c).repeat(64)}`,
      state: "running",
      pids: Array.from({ length: PROCESSES_PER_HOST }, (_, p) => p)
        .filter((p) => containerOf(p) === c)
        .map(pidOf),
      addresses: [containerAddress(h, c)],
    }));
    return {
      hostname,
      machineId,
      address: hostAddress(h),
      report: {
        kind: "full",
        at,
        host: {
          hostname,
          os: "Debian GNU/Linux 12 (bookworm)",
          kernel: "6.1.0-test",
          machineId,
          interfaces: [{ name: "eth0", addresses: [hostAddress(h)] }],
        },
        processes,
        listening,
        connections: [],
        containers,
        images: [],
        pods: [],
        services: [],
      },
    };
  });
  // Distinct (client process, server process) pairs: each is one edge of the resolved graph.
  const rnd = mulberry32(seed);
  const total = hosts * PROCESSES_PER_HOST;
  const seen = new Set<number>();
  const nextPort = new Array<number>(hosts).fill(32_768);
  while (seen.size < Math.min(edges, total * (total - 1))) {
    const a = Math.floor(rnd() * total);
    const b = Math.floor(rnd() * total);
    if (a === b || seen.has(a * total + b)) continue;
    seen.add(a * total + b);
    const [ha, pa] = [Math.floor(a / PROCESSES_PER_HOST), a % PROCESSES_PER_HOST];
    const [hb, pb] = [Math.floor(b / PROCESSES_PER_HOST), b % PROCESSES_PER_HOST];
    const ca = containerOf(pa);
    const cb = containerOf(pb);
    const port = nextPort[ha] as number;
    nextPort[ha] = port + 1;
    (out[ha] as EstateHost).report.connections.push({
      proto: "tcp",
      local: { address: ca === undefined ? hostAddress(ha) : containerAddress(ha, ca), port },
      remote: { address: cb === undefined ? hostAddress(hb) : containerAddress(hb, cb), port: portOf(pb) },
      pid: pidOf(pa),
      ...(ca === undefined ? {} : { containerId: containerId(ha, ca) }),
    });
  }
  return out;
}
