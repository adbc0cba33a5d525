import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cloudFromDmi, cloudInstance, readDmi } from "./cloud.js";
import { hostDiscoverer } from "./host.js";
import { liveContext, testdata } from "./test-support.js";

/*
 * No cloud provider's metadata service can run here, so a fake one on 127.0.0.1 speaks each provider's
 * protocol as documented (AWS IMDSv2 with its session token, GCP's Metadata-Flavor header, Azure's Metadata
 * header) and refuses requests that break it. These tests never reach 169.254.169.254: every call that could
 * ask a metadata service is pointed at the fake, and the fake counts what it was asked.
 */
const TOKEN = "AQAEAFake-token==";
interface Fake {
  server: Server;
  base: string;
  requests: string[];
  hang: boolean;
}
const fake: Fake = { server: createServer(), base: "", requests: [], hang: false };

function answer(req: IncomingMessage): [number, string] {
  const h = req.headers;
  const url = req.url ?? "";
  if (req.method === "PUT" && url === "/latest/api/token")
    return h["x-aws-ec2-metadata-token-ttl-seconds"] ? [200, TOKEN] : [400, "missing ttl"];
  if (req.method !== "GET") return [405, ""];
  if (url === "/latest/dynamic/instance-identity/document")
    return h["x-aws-ec2-metadata-token"] === TOKEN
      ? [200, JSON.stringify({ region: "eu-west-3", instanceId: "i-0abc123def4567890", accountId: "123456789012" })]
      : [401, ""];
  if (url.startsWith("/computeMetadata/v1/instance/")) {
    if (h["metadata-flavor"] !== "Google") return [403, ""];
    if (url === "/computeMetadata/v1/instance/id") return [200, "4520031799277581759"];
    if (url === "/computeMetadata/v1/instance/zone") return [200, "projects/293945128137/zones/europe-west1-b"];
  }
  if (url === "/metadata/instance/compute?api-version=2021-02-01")
    return h.metadata === "true"
      ? [200, JSON.stringify({ location: "westeurope", vmId: "02aab8a4-74ef-476e-8182-f6d2ba4166a6", name: "vm" })]
      : [400, ""];
  return [404, ""];
}

beforeAll(async () => {
  fake.server.on("request", (req, res) => {
    fake.requests.push(`${req.method} ${req.url}`);
    if (fake.hang) return; // never answers: the client's timeout must end it
    const [status, body] = answer(req);
    res.writeHead(status).end(body);
  });
  await new Promise<void>((resolve) => fake.server.listen(0, "127.0.0.1", resolve));
  fake.base = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  fake.server.closeAllConnections();
  await new Promise((resolve) => fake.server.close(resolve));
});
beforeEach(() => {
  fake.requests = [];
  fake.hang = false;
});

const dmi = (name: string) => testdata(`dmi/${name}`);

describe("which cloud, from DMI alone", () => {
  it.each([
    ["aws-nitro", "aws"],
    ["aws-xen", "aws"],
    ["gcp", "gcp"],
    ["azure", "azure"],
    ["hyperv", undefined], // Hyper-V on premises: same vendor as Azure, not Azure's asset tag
    ["qemu", undefined],
    ["none", undefined], // no DMI directory at all
  ])("%s", async (dir, provider) => {
    expect(cloudFromDmi(await readDmi(dmi(dir)))).toBe(provider);
  });
});

describe("the instance from the metadata service", () => {
  it.each([
    ["aws-nitro", { provider: "aws", region: "eu-west-3", instanceId: "i-0abc123def4567890" }, 2],
    ["gcp", { provider: "gcp", region: "europe-west1", instanceId: "4520031799277581759" }, 2],
    ["azure", { provider: "azure", region: "westeurope", instanceId: "02aab8a4-74ef-476e-8182-f6d2ba4166a6" }, 1],
  ])("%s", async (dir, instance, requests) => {
    const warnings: string[] = [];
    expect(await cloudInstance("/", (m) => warnings.push(m), { dmiDir: dmi(dir), metadataBase: fake.base })).toEqual(
      instance,
    );
    expect(warnings).toEqual([]);
    expect(fake.requests).toHaveLength(requests);
  });

  it("asks nothing when DMI names no cloud", async () => {
    for (const dir of ["qemu", "hyperv", "none"]) {
      expect(await cloudInstance("/", expect.fail, { dmiDir: dmi(dir), metadataBase: fake.base })).toBeUndefined();
    }
    expect(fake.requests).toEqual([]);
  });

  it("reads DMI under the host's root by default", async () => {
    const root = mkdtempSync(join(tmpdir(), "rt-dmi-"));
    try {
      mkdirSync(join(root, "sys/class/dmi"), { recursive: true });
      cpSync(dmi("gcp"), join(root, "sys/class/dmi/id"), { recursive: true });
      const found = await cloudInstance(root, expect.fail, { metadataBase: fake.base });
      expect(found?.provider).toBe("gcp");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("gives up after the timeout with a warning", async () => {
    fake.hang = true;
    const warnings: string[] = [];
    const started = Date.now();
    const found = await cloudInstance("/", (m) => warnings.push(m), {
      dmiDir: dmi("azure"),
      metadataBase: fake.base,
      timeoutMs: 300,
    });
    expect(found).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(warnings).toEqual(["azure instance metadata: no answer within the timeout"]);
    expect(fake.requests).toHaveLength(1);
  });

  it("warns when the service refuses", async () => {
    const warnings: string[] = [];
    // A base under which nothing answers 200: the fake refuses the token request (405).
    await cloudInstance("/", (m) => warnings.push(m), { dmiDir: dmi("aws-nitro"), metadataBase: `${fake.base}/x` });
    expect(warnings).toEqual(["aws instance metadata: PUT /x/latest/api/token: HTTP 405"]);
  });
});

describe("the host discoverer and the cloud", () => {
  it("asks the metadata service once and keeps the answer", async () => {
    const discoverer = hostDiscoverer({ cloud: { dmiDir: dmi("aws-nitro"), metadataBase: fake.base } });
    const first = await discoverer.discover(liveContext());
    const second = await discoverer.discover(liveContext());
    expect(first.host?.cloud).toEqual({ provider: "aws", region: "eu-west-3", instanceId: "i-0abc123def4567890" });
    expect(second.host?.cloud).toEqual(first.host?.cloud);
    expect(fake.requests).toHaveLength(2); // token + document, once
  });

  it("never asks when cloudMetadata is false, even on a cloud", async () => {
    const discoverer = hostDiscoverer({
      cloudMetadata: false,
      cloud: { dmiDir: dmi("aws-nitro"), metadataBase: fake.base },
    });
    expect((await discoverer.discover(liveContext())).host?.cloud).toBeUndefined();
    expect(fake.requests).toEqual([]);
  });
});
