import { createHash } from "node:crypto";
import { hostname as osHostname } from "node:os";
import type { HostInfo } from "@rampart/console/protocol";
import { BOUNDS } from "./bounds.js";
import { type CloudInstance, type CloudOptions, cloudInstance } from "./cloud.js";
import type { Discoverer, DiscoveryContext } from "./discoverer.js";
import { hostInterfaces } from "./interfaces.js";
import { clip, readText } from "./proc-fs.js";
import { readHostFile } from "./root-path.js";

/** os-release(5): shell-style KEY=value lines, the value optionally in single or double quotes. */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^\s*([A-Z0-9_]+)=(.*?)\s*$/.exec(line);
    if (!m) continue;
    let v = m[2] as string;
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1).replace(/\\(["\\`$])/g, "$1");
    else if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) v = v.slice(1, -1);
    out[m[1] as string] = v;
  }
  return out;
}

/** hostname(5): the first line that is not a comment. */
export function parseHostname(text: string): string | undefined {
  return text
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l !== "" && !l.startsWith("#"));
}

const MACHINE_ID = /^[0-9a-f]{32}$/;

/**
 * The machine id (machine-id(5): 32 lower-case hex digits; "uninitialized" or empty during first boot), from
 * /etc/machine-id, else D-Bus's older copy. A host with neither gets a stand-in derived from its host name
 * (a hash of it, "hostname-" and 32 hex digits), stable as long as the name is, with a warning: two hosts that
 * share a name then share the id.
 */
async function machineId(ctx: DiscoveryContext, hostname: string): Promise<string> {
  for (const path of ["/etc/machine-id", "/var/lib/dbus/machine-id"]) {
    const id = (await readHostFile(ctx.hostRoot, path))?.trim();
    if (id && MACHINE_ID.test(id)) return id;
  }
  ctx.warn("no machine-id on the host: using one derived from the host name");
  return `hostname-${createHash("sha256").update(hostname).digest("hex").slice(0, 32)}`;
}

export interface HostOptions {
  /** Ask the cloud's instance metadata service (only when DMI names the cloud). Default true. */
  cloudMetadata?: boolean;
  cloud?: CloudOptions;
}

/** What the host is: names, operating system, kernel, machine id, interfaces and, on a cloud, the instance. */
export async function readHost(
  ctx: DiscoveryContext,
  opts: HostOptions = {},
  cached?: CloudInstance,
): Promise<HostInfo> {
  const [hostnameFile, osRelease, usrOsRelease, kernel] = await Promise.all([
    readHostFile(ctx.hostRoot, "/etc/hostname"),
    readHostFile(ctx.hostRoot, "/etc/os-release"),
    readHostFile(ctx.hostRoot, "/usr/lib/os-release"),
    readText(`${ctx.procRoot}/sys/kernel/osrelease`),
  ]);
  const hostname = clip((hostnameFile && parseHostname(hostnameFile)) || osHostname() || "localhost", BOUNDS.hostname);
  const release = osRelease ?? usrOsRelease;
  if (release === undefined) ctx.warn("no os-release on the host");
  const fields = parseOsRelease(release ?? "");
  if (kernel === undefined) ctx.warn(`cannot read ${ctx.procRoot}/sys/kernel/osrelease`);
  const [id, interfaces, cloud] = await Promise.all([
    machineId(ctx, hostname),
    hostInterfaces(ctx.procRoot, ctx.warn),
    cached ??
      (opts.cloudMetadata === false
        ? undefined
        : cloudInstance(ctx.hostRoot, ctx.warn, { ...opts.cloud, ...(ctx.signal ? { signal: ctx.signal } : {}) })),
  ]);
  return {
    hostname,
    os: clip(fields.PRETTY_NAME ?? fields.NAME ?? "", BOUNDS.os),
    kernel: clip(kernel?.trim() ?? "", BOUNDS.kernel),
    machineId: clip(id, BOUNDS.machineId),
    interfaces,
    ...(cloud ? { cloud } : {}),
  };
}

/**
 * The host. The cloud instance, once found, is kept for the life of the discoverer (it does not change while
 * the machine runs); until then each pass asks again, within the 1 s bound.
 */
export function hostDiscoverer(opts: HostOptions = {}): Discoverer {
  let cloud: CloudInstance | undefined;
  return {
    name: "host",
    async discover(ctx) {
      const host = await readHost(ctx, opts, cloud);
      cloud = host.cloud;
      return { host };
    },
  };
}
