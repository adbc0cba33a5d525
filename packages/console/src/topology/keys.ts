import type {
  ConnectionItem,
  ContainerItem,
  ImageItem,
  IngressItem,
  InUseItem,
  ListeningItem,
  PodItem,
  ProcessItem,
  Section,
  SectionItems,
  ServiceItem,
  Snapshot,
} from "./report.js";

/*
 * The parts of the report contract both sides compute (limits, sections, item keys), without TypeBox: the
 * sensor imports these at run time and the schemas (report.ts) only as types, so it stays light.
 */

/** The most items of each section one report may carry (a 4 MB body runs out first on most). */
export const LIMITS = {
  processes: 10_000,
  listening: 10_000,
  connections: 20_000,
  containers: 2_000,
  images: 5_000,
  pods: 2_000,
  services: 10_000,
  ingresses: 5_000,
  inUse: 10_000,
} as const;

/** Every section of a report, in order. */
export const SECTIONS: readonly Section[] = [
  "processes",
  "listening",
  "connections",
  "containers",
  "images",
  "pods",
  "services",
  "ingresses",
  "inUse",
];

/**
 * The key that names an item within its section: a delta's `remove` lists these, and an upsert replaces the
 * item with the same key. Sockets include the pid because two network namespaces on one host can hold the
 * same address and port (e.g. two containers listening on 0.0.0.0:80); "-" stands for an unknown pid.
 *
 *   processes, inUse: "<pid>"                          containers, images: "<id>"
 *   listening: "<proto> <address> <port> <pid>"        pods, services, ingresses: "<uid>"
 *   connections: "<proto> <local address> <local port> <remote address> <remote port> <pid>"
 */
export function itemKey<S extends Section>(section: S, item: SectionItems[S]): string {
  switch (section) {
    case "processes":
    case "inUse":
      return String((item as ProcessItem | InUseItem).pid);
    case "listening": {
      const l = item as ListeningItem;
      return `${l.proto} ${l.address} ${l.port} ${l.pid ?? "-"}`;
    }
    case "connections": {
      const c = item as ConnectionItem;
      return `${c.proto} ${c.local.address} ${c.local.port} ${c.remote.address} ${c.remote.port} ${c.pid ?? "-"}`;
    }
    case "containers":
    case "images":
      return (item as ContainerItem | ImageItem).id;
    default:
      return (item as PodItem | ServiceItem | IngressItem).uid;
  }
}

/** A node's topology before any report: no host, every section empty. */
export function emptySnapshot(): Snapshot {
  return { host: null, ...(Object.fromEntries(SECTIONS.map((s) => [s, []])) as unknown as Omit<Snapshot, "host">) };
}
