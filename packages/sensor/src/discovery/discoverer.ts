import type { Section, SectionItems, Snapshot } from "@rampart/console/protocol";

/**
 * Where discovery looks. Every path is a parameter so a sensor in a container reads the host's (the
 * DaemonSet mounts the host's /proc at /host/proc and its root at /host) and tests read fixtures.
 */
export interface DiscoveryContext {
  /** The proc filesystem to read: "/proc" on the host, "/host/proc" in a container. */
  procRoot: string;
  /** The host's root filesystem: "/" on the host, "/host" in a container (os-release, machine-id, passwd). */
  hostRoot: string;
  /** A problem that does not stop discovery (an unreadable file, an engine that does not answer). */
  warn(message: string): void;
  signal?: AbortSignal;
}

/** What one discoverer found: some sections of a snapshot (and the host, for the host discoverer). */
export type Discovered = { host?: Snapshot["host"] } & { [S in Section]?: SectionItems[S][] };

/**
 * One source of topology (the host and its processes, sockets, a container engine, Kubernetes), behind one
 * interface like the engine's catalogers. A discoverer never throws for what it cannot see: it warns and
 * returns what it could; the agent merges every discoverer's result into one snapshot.
 */
export interface Discoverer {
  readonly name: string;
  discover(ctx: DiscoveryContext): Promise<Discovered>;
}
