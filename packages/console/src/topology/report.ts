import { type Static, type TSchema, Type } from "typebox";
import { LIMITS } from "./keys.js";

export { itemKey, LIMITS, SECTIONS } from "./keys.js";

/**
 * The topology report a sensor sends: the contract between the console and the sensor. Depends on nothing but
 * TypeBox so the sensor can use the same schema and key function.
 *
 * A sensor numbers its reports with `seq`, increasing. A `full` report replaces everything the console holds
 * for the node; a `delta` names its base (`baseSeq`, the seq the console last accepted) and carries, per
 * section, items to upsert and keys to remove (see `itemKey`). The console applies a delta only on top of its
 * base (else 409 full_report_required), and acknowledges a report whose seq it has already passed without
 * applying it again, so retries are harmless. After registering, a sensor continues from the `lastSeq` the
 * console returns.
 *
 * Every list and string is bounded so a broken or hostile sensor is refused with 400, not stored.
 */

const Text = (maxLength: number, description?: string) =>
  Type.String({ maxLength, ...(description ? { description } : {}) });
const Required = (maxLength: number) => Type.String({ minLength: 1, maxLength });
/** An IP address as the kernel shows it (IPv4, IPv6, optional %zone), or "*" for any. */
export const Address = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: "^(\\*|[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]{1,16})?)$",
});
const Port = Type.Integer({ minimum: 0, maximum: 65535 });
/** Linux caps pid_max at 2^22. */
const Pid = Type.Integer({ minimum: 0, maximum: 4_194_304 });
const Proto = Type.Union([Type.Literal("tcp"), Type.Literal("udp")]);
const ContainerId = Required(256);
const Uid = Required(128);
const Labels = Type.Record(Type.String(), Text(1024), {
  maxProperties: 128,
  propertyNames: { minLength: 1, maxLength: 317 },
});

export const Host = Type.Object(
  {
    hostname: Required(253),
    os: Text(256, "e.g. the PRETTY_NAME of os-release"),
    kernel: Text(256),
    machineId: Required(128),
    interfaces: Type.Array(
      Type.Object(
        { name: Required(64), addresses: Type.Array(Address, { maxItems: 64 }) },
        { additionalProperties: false },
      ),
      { maxItems: 512 },
    ),
    cloud: Type.Optional(
      Type.Object(
        { provider: Required(64), region: Text(128), instanceId: Text(256) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const Process = Type.Object(
  {
    pid: Pid,
    ppid: Pid,
    command: Text(4096),
    user: Text(256),
    exe: Text(4096, "empty for kernel threads"),
    containerId: Type.Optional(ContainerId),
  },
  { additionalProperties: false },
);

export const Listening = Type.Object(
  {
    proto: Proto,
    address: Address,
    port: Port,
    pid: Type.Optional(Pid),
    /** Tells apart two containers listening on the same port in their own network namespaces. */
    containerId: Type.Optional(ContainerId),
  },
  { additionalProperties: false },
);

const Endpoint = Type.Object({ address: Address, port: Port }, { additionalProperties: false });
export const Connection = Type.Object(
  {
    proto: Proto,
    local: Endpoint,
    remote: Endpoint,
    pid: Type.Optional(Pid),
    containerId: Type.Optional(ContainerId),
  },
  { additionalProperties: false },
);

export const Container = Type.Object(
  {
    id: ContainerId,
    name: Text(256),
    image: Text(1024),
    imageId: Text(256),
    state: Text(64, "as the engine says: running, exited, paused…"),
    pids: Type.Optional(Type.Array(Pid, { maxItems: 10_000 })),
    /** The container's own network addresses (bridge networks): connections to them resolve to it. */
    addresses: Type.Optional(Type.Array(Address, { maxItems: 16 })),
  },
  { additionalProperties: false },
);

export const Image = Type.Object(
  {
    id: Required(256),
    names: Type.Array(Text(1024), { maxItems: 256 }),
    digest: Type.Optional(Text(256)),
    size: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
  },
  { additionalProperties: false },
);

export const Pod = Type.Object(
  {
    uid: Uid,
    namespace: Required(253),
    name: Required(253),
    node: Text(253, "the Kubernetes node it is scheduled on"),
    containers: Type.Array(ContainerId, {
      maxItems: 256,
      description: "container ids (with or without the runtime:// prefix)",
    }),
    ips: Type.Optional(Type.Array(Address, { maxItems: 8 })),
    labels: Type.Optional(Labels),
  },
  { additionalProperties: false },
);

export const Service = Type.Object(
  {
    uid: Uid,
    namespace: Required(253),
    name: Required(253),
    type: Text(32, "ClusterIP, NodePort, LoadBalancer, ExternalName"),
    clusterIP: Text(64, 'empty or "None" when headless'),
    ports: Type.Array(Port, { maxItems: 256 }),
    nodePorts: Type.Array(Port, { maxItems: 256 }),
    loadBalancer: Type.Array(Text(253), { maxItems: 64, description: "addresses or host names" }),
    selector: Type.Optional(Labels),
  },
  { additionalProperties: false },
);

export const Ingress = Type.Object(
  {
    uid: Uid,
    namespace: Required(253),
    name: Required(253),
    rules: Type.Array(
      Type.Object(
        { host: Text(253), path: Text(1024), service: Text(253), port: Type.Optional(Port) },
        { additionalProperties: false },
      ),
      { maxItems: 256 },
    ),
  },
  { additionalProperties: false },
);

/** What a process has mapped or executes (/proc/PID/maps, exe): tells which packages are actually loaded. */
export const InUse = Type.Object(
  { pid: Pid, files: Type.Array(Text(4096), { maxItems: 4096 }) },
  { additionalProperties: false },
);

const ITEMS = {
  processes: Process,
  listening: Listening,
  connections: Connection,
  containers: Container,
  images: Image,
  pods: Pod,
  services: Service,
  ingresses: Ingress,
  inUse: InUse,
} as const;

export type Section = keyof typeof ITEMS;

const Seq = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
const At = Type.String({ format: "date-time", description: "when the sensor took the snapshot" });

/** A section of a full report: all its items. */
const all = <T extends TSchema>(item: T, maxItems: number) => Type.Optional(Type.Array(item, { maxItems }));
/** A section of a delta: items to add or replace, and keys of items to remove (removals apply first). */
const changes = <T extends TSchema>(item: T, maxItems: number) =>
  Type.Optional(
    Type.Object(
      {
        upsert: Type.Optional(Type.Array(item, { maxItems })),
        remove: Type.Optional(Type.Array(Required(1024), { maxItems, description: "item keys (see itemKey)" })),
      },
      { additionalProperties: false },
    ),
  );

export const FullReport = Type.Object(
  {
    seq: Seq,
    kind: Type.Literal("full"),
    at: At,
    host: Host,
    processes: all(Process, LIMITS.processes),
    listening: all(Listening, LIMITS.listening),
    connections: all(Connection, LIMITS.connections),
    containers: all(Container, LIMITS.containers),
    images: all(Image, LIMITS.images),
    pods: all(Pod, LIMITS.pods),
    services: all(Service, LIMITS.services),
    ingresses: all(Ingress, LIMITS.ingresses),
    inUse: all(InUse, LIMITS.inUse),
  },
  { additionalProperties: false, description: "everything the sensor sees; sections left out are empty" },
);

export const DeltaReport = Type.Object(
  {
    seq: Seq,
    kind: Type.Literal("delta"),
    baseSeq: Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: "the seq this delta applies on" }),
    at: At,
    host: Type.Optional(Host),
    processes: changes(Process, LIMITS.processes),
    listening: changes(Listening, LIMITS.listening),
    connections: changes(Connection, LIMITS.connections),
    containers: changes(Container, LIMITS.containers),
    images: changes(Image, LIMITS.images),
    pods: changes(Pod, LIMITS.pods),
    services: changes(Service, LIMITS.services),
    ingresses: changes(Ingress, LIMITS.ingresses),
    inUse: changes(InUse, LIMITS.inUse),
  },
  {
    additionalProperties: false,
    description: "changes since baseSeq: per section, items to upsert and keys to remove",
  },
);

export const Report = Type.Union([FullReport, DeltaReport]);

export type HostInfo = Static<typeof Host>;
export type ProcessItem = Static<typeof Process>;
export type ListeningItem = Static<typeof Listening>;
export type ConnectionItem = Static<typeof Connection>;
export type ContainerItem = Static<typeof Container>;
export type ImageItem = Static<typeof Image>;
export type PodItem = Static<typeof Pod>;
export type ServiceItem = Static<typeof Service>;
export type IngressItem = Static<typeof Ingress>;
export type InUseItem = Static<typeof InUse>;
export type FullReport = Static<typeof FullReport>;
export type DeltaReport = Static<typeof DeltaReport>;
export type Report = Static<typeof Report>;

export interface SectionItems {
  processes: ProcessItem;
  listening: ListeningItem;
  connections: ConnectionItem;
  containers: ContainerItem;
  images: ImageItem;
  pods: PodItem;
  services: ServiceItem;
  ingresses: IngressItem;
  inUse: InUseItem;
}

/** A node's whole topology: what a full report carries, and what the console serves back. */
export type Snapshot = { host: HostInfo | null } & { [S in Section]: SectionItems[S][] };

/** The section schemas, for the console's responses. */
export const SECTION_ITEMS = ITEMS;
