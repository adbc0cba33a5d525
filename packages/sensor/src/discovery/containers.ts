import { readdir, realpath, stat } from "node:fs/promises";
import { isIP } from "node:net";
import type { ContainerItem, ImageItem } from "@rampart/console/protocol";
import type { Discovered, Discoverer, DiscoveryContext } from "./discoverer.js";
import { EngineApiError, engineGet, enginePing } from "./engine-api.js";
import { resolveInRoot } from "./root-path.js";

/**
 * Containers and images from the Docker Engine API, which Docker and Podman (its compat service) both speak
 * over a unix socket. Every engine that answers is reported (Docker and Podman side by side on one host); a
 * container seen through two sockets (podman-docker links /var/run/docker.sock to Podman's) is reported once.
 *
 * containerd and CRI-O (Kubernetes nodes) speak gRPC only: no client for them here. Their containers are still
 * seen, through their processes' cgroups (which name the container id) and through the pods' status from the
 * Kubernetes API (containerStatuses[].containerID), so the sensor needs no gRPC stack.
 */

export interface ContainerDiscoveryOptions {
  /** Engine sockets to try besides the well-known ones: paths in the sensor's own filesystem, used as given. */
  sockets?: string[];
  /** Try the well-known sockets under ctx.hostRoot (default true). */
  wellKnown?: boolean;
  /** Per API call (default 5 s). */
  timeoutMs?: number;
  /** Largest answer accepted per API call (default 32 MB). */
  maxBytes?: number;
  /** Container inspections in flight at once, per engine (default 8). */
  concurrency?: number;
  /** Caps (default the report's LIMITS). */
  maxContainers?: number;
  maxImages?: number;
}

/** The report's LIMITS for these sections (copied: the sensor imports only types from the console). */
const MAX_CONTAINERS = 2_000;
const MAX_IMAGES = 5_000;

/** Where engines put their API socket, relative to the host's root. */
const WELL_KNOWN = ["/run/docker.sock", "/var/run/docker.sock", "/run/podman/podman.sock"];
/** Rootless engines: one socket per user under /run/user/<uid>. */
const ROOTLESS = ["podman/podman.sock", "docker.sock"];

export function containerDiscoverer(opts: ContainerDiscoveryOptions = {}): Discoverer {
  return {
    name: "container-engine",
    async discover(ctx: DiscoveryContext): Promise<Discovered> {
      const maxContainers = opts.maxContainers ?? MAX_CONTAINERS;
      const maxImages = opts.maxImages ?? MAX_IMAGES;
      const containers = new Map<string, ContainerItem>();
      const images = new Map<string, ImageItem>();
      let droppedContainers = 0;
      let droppedImages = 0;
      for (const socket of await engineSockets(ctx, opts)) {
        if (ctx.signal?.aborted) break;
        const found = await queryEngine(socket, ctx, opts, maxContainers - containers.size);
        for (const c of found.containers) {
          if (containers.has(c.id)) continue;
          if (containers.size < maxContainers) containers.set(c.id, c);
          else droppedContainers++;
        }
        droppedContainers += found.dropped;
        for (const image of found.images) {
          const seen = images.get(image.id);
          if (seen) seen.names = [...new Set([...seen.names, ...image.names])].slice(0, 256);
          else if (images.size < maxImages) images.set(image.id, image);
          else droppedImages++;
        }
      }
      if (droppedContainers)
        ctx.warn(`container engines: ${droppedContainers} containers over the limit of ${maxContainers} left out`);
      if (droppedImages) ctx.warn(`container engines: ${droppedImages} images over the limit of ${maxImages} left out`);
      if (!containers.size && !images.size) return {};
      return { containers: [...containers.values()], images: [...images.values()] };
    },
  };
}

interface EngineSocket {
  /** As the user knows it (without the host root prefix). */
  shown: string;
  /** Where to connect, symlinks resolved within the host root. */
  path: string;
}

/** The sockets to try this pass: explicit ones (a missing one is warned about), then the well-known that exist. */
async function engineSockets(ctx: DiscoveryContext, opts: ContainerDiscoveryOptions): Promise<EngineSocket[]> {
  const found = new Map<string, EngineSocket>();
  for (const path of opts.sockets ?? []) {
    const clean = path.replace(/^unix:\/\//, "");
    const real = await realpath(clean).catch(() => undefined);
    if (real && (await isSocket(real))) found.set(real, { shown: clean, path: real });
    else ctx.warn(`container engine socket ${clean} does not exist or is not a socket`);
  }
  if (opts.wellKnown === false) return [...found.values()];
  const candidates = [...WELL_KNOWN];
  try {
    for (const uid of await readdir((await resolveInRoot(ctx.hostRoot, "/run/user")) ?? "/nonexistent"))
      if (/^\d+$/.test(uid)) for (const rel of ROOTLESS) candidates.push(`/run/user/${uid}/${rel}`);
  } catch {
    // no /run/user: no rootless engines
  }
  for (const shown of candidates) {
    // Links resolved in the host's root (/var/run -> /run), then in ours, so one socket is tried once.
    const inRoot = await resolveInRoot(ctx.hostRoot, shown);
    const path = inRoot && (await realpath(inRoot).catch(() => undefined));
    if (path && !found.has(path) && (await isSocket(path))) found.set(path, { shown, path });
  }
  return [...found.values()];
}

async function isSocket(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isSocket();
  } catch {
    return false;
  }
}

/** The Docker Engine API answers this pass uses (only the fields read). */
interface Networks {
  IPAddress?: string;
  GlobalIPv6Address?: string;
  Networks?: Record<string, { IPAddress?: string; GlobalIPv6Address?: string } | null> | null;
}
interface ListedContainer {
  Id?: string;
  Names?: string[] | null;
  Image?: string;
  ImageID?: string;
  State?: string;
  NetworkSettings?: Networks | null;
}
interface InspectedContainer {
  Id?: string;
  Name?: string;
  Image?: string;
  Config?: { Image?: string } | null;
  State?: { Status?: string; Pid?: number } | null;
  NetworkSettings?: Networks | null;
}
interface ListedImage {
  Id?: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Size?: number;
}

interface EngineFound {
  containers: ContainerItem[];
  images: ImageItem[];
  dropped: number;
}

async function queryEngine(
  socket: EngineSocket,
  ctx: DiscoveryContext,
  opts: ContainerDiscoveryOptions,
  room: number,
): Promise<EngineFound> {
  const call = { timeoutMs: opts.timeoutMs, maxBytes: opts.maxBytes, signal: ctx.signal };
  const get = <T>(path: string) => engineGet<T>(socket.path, path, call);
  const found: EngineFound = { containers: [], images: [], dropped: 0 };
  const warn = (what: string, e: unknown) => {
    if (!ctx.signal?.aborted) ctx.warn(`container engine at ${socket.shown}: ${what}: ${(e as Error).message}`);
  };

  let engine: string;
  try {
    engine = (await enginePing(socket.path, call)).replace(/ \(.*\)$/, "");
  } catch (e) {
    warn("no answer", e);
    return found;
  }

  try {
    const listed = await get<ListedContainer[]>("/containers/json?all=true");
    if (!Array.isArray(listed)) throw new EngineApiError("the container list is not a list");
    const valid = listed.filter((c) => typeof c?.Id === "string" && c.Id.length > 0 && c.Id.length <= 256);
    found.dropped = Math.max(0, valid.length - Math.max(0, room));
    let failed = 0;
    let lastError: unknown;
    const items = await mapLimit(valid.slice(0, Math.max(0, room)), opts.concurrency ?? 8, async (c) => {
      if (!LIVE.has(c.State ?? "") || ctx.signal?.aborted) return fromList(c);
      try {
        return fromInspect(c, await get<InspectedContainer>(`/containers/${encodeURIComponent(c.Id as string)}/json`));
      } catch (e) {
        // Gone between the list and its inspection: no longer there.
        if (e instanceof EngineApiError && e.status === 404) return undefined;
        failed++;
        lastError = e;
        return fromList(c);
      }
    });
    for (const item of items) if (item) found.containers.push(item);
    if (failed)
      warn(`${engine}: ${failed} container inspections failed (their pids and addresses are missing)`, lastError);
  } catch (e) {
    warn(`${engine}: listing containers failed`, e);
  }

  try {
    const listed = await get<ListedImage[]>("/images/json");
    if (!Array.isArray(listed)) throw new EngineApiError("the image list is not a list");
    for (const i of listed) {
      const image = imageItem(i);
      if (image) found.images.push(image);
    }
  } catch (e) {
    warn(`${engine}: listing images failed`, e);
  }
  return found;
}

function fromList(c: ListedContainer): ContainerItem {
  const item: ContainerItem = {
    id: c.Id as string,
    name: text(containerName(c.Names?.[0]), 256),
    image: text(c.Image, 1024),
    imageId: text(c.ImageID, 256),
    state: text(c.State, 64),
  };
  if (LIVE.has(c.State ?? "")) {
    const addresses = addressesOf(c.NetworkSettings);
    if (addresses.length) item.addresses = addresses;
  }
  return item;
}

function fromInspect(c: ListedContainer, i: InspectedContainer): ContainerItem {
  const item = fromList(c);
  if (i.Name) item.name = text(containerName(i.Name), 256);
  if (i.Config?.Image) item.image = text(i.Config.Image, 1024);
  if (i.Image) item.imageId = text(i.Image, 256);
  if (i.State?.Status) item.state = text(i.State.Status, 64);
  const pid = i.State?.Pid;
  // Only the main process: the agent adds the others from the cgroups that name the container.
  if (Number.isInteger(pid) && (pid as number) > 0 && (pid as number) <= 4_194_304) item.pids = [pid as number];
  const addresses = addressesOf(i.NetworkSettings);
  if (addresses.length) item.addresses = addresses;
  else delete item.addresses;
  return item;
}

/** States in which a container has processes (and so a pid and addresses worth reading). */
const LIVE = new Set(["running", "paused", "restarting"]);

/** Docker names carry a leading "/" (the legacy link namespace). */
const containerName = (name: string | undefined) => (name ?? "").replace(/^\//, "");

const text = (value: unknown, max: number) => (typeof value === "string" ? value.slice(0, max) : "");

/** The container's own addresses on its networks (none for host networking). */
function addressesOf(n: Networks | null | undefined): string[] {
  if (!n) return [];
  const all = [n.IPAddress, n.GlobalIPv6Address];
  for (const net of Object.values(n.Networks ?? {})) all.push(net?.IPAddress, net?.GlobalIPv6Address);
  const valid = all.filter((a): a is string => typeof a === "string" && a.length <= 64 && isIP(a) !== 0);
  return [...new Set(valid)].slice(0, 16);
}

function imageItem(i: ListedImage): ImageItem | undefined {
  if (typeof i?.Id !== "string" || !i.Id || i.Id.length > 256) return undefined;
  const names = (i.RepoTags ?? [])
    .filter((t) => typeof t === "string" && t && t !== "<none>:<none>")
    .map((t) => t.slice(0, 1024));
  const item: ImageItem = { id: i.Id, names: [...new Set(names)].slice(0, 256) };
  const digest = (i.RepoDigests ?? []).find((d) => typeof d === "string" && d && d !== "<none>@<none>");
  if (digest && digest.length <= 256) item.digest = digest;
  if (Number.isSafeInteger(i.Size) && (i.Size as number) >= 0) item.size = i.Size as number;
  return item;
}

/** `fn` over `items` with at most `limit` calls in flight; results in the items' order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
