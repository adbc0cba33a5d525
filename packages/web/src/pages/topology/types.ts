// The topology API's replies as the UI reads them (GET /topology/nodes, /topology/nodes/:id, /topology/graph).

export type NodeStatus = "online" | "offline";

export interface NodeSummary {
  id: string;
  hostname: string;
  machineId: string;
  os: string | null;
  agentVersion: string | null;
  tags: Record<string, string>;
  status: NodeStatus;
  registeredAt: string;
  lastSeenAt: string;
  lastReportAt: string | null;
  counts: Record<string, number>;
}

export interface NodePage {
  nodes: NodeSummary[];
  next: string | null;
}

export interface Snapshot {
  host: {
    hostname: string;
    os: string;
    kernel: string;
    machineId: string;
    interfaces: { name: string; addresses: string[] }[];
    cloud?: { provider: string; region: string; instanceId: string };
  } | null;
  processes: { pid: number; ppid: number; command: string; user: string; exe: string; containerId?: string }[];
  listening: { proto: string; address: string; port: number; pid?: number; containerId?: string }[];
  connections: {
    proto: string;
    local: { address: string; port: number };
    remote: { address: string; port: number };
    pid?: number;
    containerId?: string;
  }[];
  containers: { id: string; name: string; image: string; imageId: string; state: string; pids?: number[] }[];
  images: { id: string; names: string[]; digest?: string; size?: number }[];
  pods: { uid: string; namespace: string; name: string; node: string; containers: string[]; ips?: string[] }[];
}

export type GraphNodeKind = "host" | "container" | "process" | "pod" | "service" | "ingress";

export interface GraphNode {
  id: string;
  kind: GraphNodeKind;
  label: string;
  /** Its drawn parent. */
  parent: string | null;
  nodeId: string | null;
  /** Graph nodes folded into this one at the level drawn. */
  folded: number;
  offline: boolean;
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: "connection" | "selects" | "routes";
  proto: "tcp" | "udp" | null;
  port: number | null;
  count: number;
}

export interface TopologyGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  unresolved: number;
  /** Nodes or edges were left out to stay within the API's limit. */
  truncated: boolean;
}

export const KINDS: GraphNodeKind[] = ["host", "pod", "container", "process", "service", "ingress"];
