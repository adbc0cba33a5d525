import { request } from "node:http";
import type { HostInfo } from "@rampart/console/protocol";
import { clip, readText } from "./proc-fs.js";

export type CloudInstance = NonNullable<HostInfo["cloud"]>;
export type CloudProvider = "aws" | "gcp" | "azure";

/** The link-local address all three providers serve instance metadata on. */
export const METADATA_BASE = "http://169.254.169.254";
const TIMEOUT_MS = 1000;
const MAX_BODY = 64 * 1024;
/** The asset tag Azure sets on every VM (cloud-init's ds-identify tests the same). */
const AZURE_ASSET_TAG = "7783-7084-3265-9085-8269-3286-77";

/** The DMI strings (SMBIOS, /sys/class/dmi/id) that tell a cloud's virtual machine. */
export interface Dmi {
  sysVendor: string;
  productName: string;
  biosVendor: string;
  biosVersion: string;
  chassisAssetTag: string;
}

export async function readDmi(dir: string): Promise<Dmi> {
  const read = async (f: string) => (await readText(`${dir}/${f}`))?.trim() ?? "";
  const [sysVendor, productName, biosVendor, biosVersion, chassisAssetTag] = await Promise.all(
    ["sys_vendor", "product_name", "bios_vendor", "bios_version", "chassis_asset_tag"].map(read),
  );
  return {
    sysVendor: sysVendor ?? "",
    productName: productName ?? "",
    biosVendor: biosVendor ?? "",
    biosVersion: biosVersion ?? "",
    chassisAssetTag: chassisAssetTag ?? "",
  };
}

/**
 * The cloud the machine runs on, from DMI alone, as cloud-init's ds-identify tells it: EC2 (Nitro) names
 * itself "Amazon EC2" (older Xen instances put "amazon" in the BIOS version), Compute Engine's product is
 * "Google Compute Engine", and Azure's chassis carries a fixed asset tag. No network: the metadata service is
 * asked only once DMI has said which cloud it is.
 */
export function cloudFromDmi(d: Dmi): CloudProvider | undefined {
  if (d.chassisAssetTag === AZURE_ASSET_TAG) return "azure";
  if (d.productName === "Google Compute Engine" || d.sysVendor === "Google" || d.biosVendor === "Google") return "gcp";
  if (d.sysVendor.startsWith("Amazon EC2") || d.biosVendor === "Amazon EC2" || /amazon/i.test(d.biosVersion))
    return "aws";
  return undefined;
}

export interface CloudOptions {
  /** The DMI directory (default: hostRoot/sys/class/dmi/id). */
  dmiDir?: string;
  /** The metadata service (default: METADATA_BASE); tests point it at a server on 127.0.0.1. */
  metadataBase?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * The instance's provider, region and id, asked of the provider's metadata service when DMI says which cloud
 * the machine is on; undefined (with a warning when the service does not answer) otherwise. The whole
 * exchange is bounded by a 1 s timeout. Only the identity is fetched, never user data or credentials.
 */
export async function cloudInstance(
  hostRoot: string,
  warn: (m: string) => void,
  opts: CloudOptions = {},
): Promise<CloudInstance | undefined> {
  const provider = cloudFromDmi(await readDmi(opts.dmiDir ?? `${hostRoot.replace(/\/$/, "")}/sys/class/dmi/id`));
  if (!provider) return undefined;
  const base = (opts.metadataBase ?? METADATA_BASE).replace(/\/$/, "");
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? TIMEOUT_MS);
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
  try {
    const found = await ASK[provider](base, signal);
    return {
      provider,
      region: clip(found.region, 128),
      instanceId: clip(found.instanceId, 256),
    };
  } catch (e) {
    warn(`${provider} instance metadata: ${(e as Error).message}`);
    return undefined;
  }
}

type Ask = (base: string, signal: AbortSignal) => Promise<{ region: string; instanceId: string }>;

const ASK: Record<CloudProvider, Ask> = {
  // IMDSv2: a session token first (PUT), then the instance identity document.
  async aws(base, signal) {
    const token = await http(
      "PUT",
      `${base}/latest/api/token`,
      { "X-aws-ec2-metadata-token-ttl-seconds": "60" },
      signal,
    );
    const doc = JSON.parse(
      await http(
        "GET",
        `${base}/latest/dynamic/instance-identity/document`,
        { "X-aws-ec2-metadata-token": token },
        signal,
      ),
    ) as { region?: unknown; instanceId?: unknown };
    return { region: text(doc.region, "region"), instanceId: text(doc.instanceId, "instanceId") };
  },
  // Two small values rather than the recursive instance document, which also carries attributes (startup
  // scripts, keys) a sensor has no business reading.
  async gcp(base, signal) {
    const headers = { "Metadata-Flavor": "Google" };
    const [id, zone] = await Promise.all([
      http("GET", `${base}/computeMetadata/v1/instance/id`, headers, signal),
      http("GET", `${base}/computeMetadata/v1/instance/zone`, headers, signal),
    ]);
    // "projects/123456789/zones/europe-west1-b": the region is the zone without its last part.
    const z = zone.trim().split("/").pop() ?? "";
    return { region: z.replace(/-[a-z]$/, ""), instanceId: id.trim() };
  },
  async azure(base, signal) {
    const compute = JSON.parse(
      await http("GET", `${base}/metadata/instance/compute?api-version=2021-02-01`, { Metadata: "true" }, signal),
    ) as { location?: unknown; vmId?: unknown };
    return { region: text(compute.location, "location"), instanceId: text(compute.vmId, "vmId") };
  },
};

function text(v: unknown, what: string): string {
  if (typeof v !== "string") throw new Error(`no ${what} in the answer`);
  return v;
}

/** One request without proxies (the metadata service must be reached directly), its body as text. */
function http(method: string, url: string, headers: Record<string, string>, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, signal, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) req.destroy(new Error(`answer larger than ${MAX_BODY} bytes`));
        else chunks.push(c);
      });
      res.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        if (res.statusCode === 200) resolve(body);
        else reject(new Error(`${method} ${new URL(url).pathname}: HTTP ${res.statusCode}`));
      });
      res.on("error", reject);
    });
    req.on("error", (e) => reject(signal.aborted ? new Error("no answer within the timeout") : e));
    req.end();
  });
}
