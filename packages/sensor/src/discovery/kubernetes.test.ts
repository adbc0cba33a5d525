import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "selfsigned";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DiscoveryContext } from "./discoverer.js";
import { KUBERNETES_RBAC_RULES, type KubernetesOptions, kubernetesDiscoverer } from "./kubernetes.js";

/*
 * No Kubernetes can run on this machine: these tests talk to a FAKE API server, an HTTPS server on 127.0.0.1
 * with a certificate signed by its own cluster CA (as kubeadm makes them), answering with list bodies shaped
 * like kube-apiserver's (testdata/kubernetes/*.json). It checks the bearer token and the pods' field selector
 * as the real one would (401, 400), pages the pods in two with a continue token, and can refuse ingresses
 * (403, RBAC) or expire a continue token (410).
 */

const FIXTURES = join(import.meta.dirname, "testdata", "kubernetes");
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");
const CONTINUE = (JSON.parse(fixture("pods-page-1.json")) as { metadata: { continue: string } }).metadata.continue;
const NODE = "worker-1";

interface Seen {
  path: string;
  query: URLSearchParams;
}

interface FakeApi {
  url: string;
  token: string;
  forbidIngresses: boolean;
  expireContinueOnce: boolean;
  seen: Seen[];
  close(): Promise<void>;
}

async function fakeApiServer(key: string, cert: string): Promise<FakeApi> {
  const api: FakeApi = {
    url: "",
    token: "",
    forbidIngresses: false,
    expireContinueOnce: false,
    seen: [],
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
  const send = (res: import("node:http").ServerResponse, status: number, body: string) => {
    res.writeHead(status, { "content-type": "application/json", "audit-id": "5f2d8c1e-0b7a-4c3e-9d6f-1a2b3c4d5e6f" });
    res.end(body);
  };
  const server = https.createServer({ key, cert }, (req, res) => {
    const url = new URL(req.url ?? "/", "https://kubernetes");
    api.seen.push({ path: url.pathname, query: url.searchParams });
    if (req.headers.authorization !== `Bearer ${api.token}`) return send(res, 401, fixture("unauthorized.json"));
    const limit = Number(url.searchParams.get("limit"));
    if (!(limit > 0)) return send(res, 400, '{"kind":"Status","code":400,"message":"test wants a limit"}');
    switch (url.pathname) {
      case "/api/v1/pods": {
        if (url.searchParams.get("fieldSelector") !== `spec.nodeName=${NODE}`)
          return send(res, 400, '{"kind":"Status","code":400,"message":"test wants this node\'s pods only"}');
        const token = url.searchParams.get("continue");
        if (!token) return send(res, 200, fixture("pods-page-1.json"));
        if (token !== CONTINUE) return send(res, 400, '{"kind":"Status","code":400,"message":"bad continue"}');
        if (api.expireContinueOnce) {
          api.expireContinueOnce = false;
          return send(res, 410, fixture("expired-continue.json"));
        }
        return send(res, 200, fixture("pods-page-2.json"));
      }
      case "/api/v1/services":
        return send(res, 200, fixture("services.json"));
      case "/apis/networking.k8s.io/v1/ingresses":
        if (api.forbidIngresses) return send(res, 403, fixture("forbidden-ingresses.json"));
        return send(res, 200, fixture("ingresses.json"));
      default:
        return send(
          res,
          404,
          '{"kind":"Status","code":404,"reason":"NotFound","message":"the server could not find the requested resource"}',
        );
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  api.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return api;
}

/** A cluster CA and an API server certificate it signed, for 127.0.0.1 (as the service IP would be named). */
async function clusterCa(name: string) {
  const ca = await generate([{ name: "commonName", value: name }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: "commonName", value: "kube-apiserver" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "kubernetes.default.svc" },
          { type: 7, ip: "127.0.0.1" },
        ],
      },
    ],
  });
  return { ca: ca.cert, key: server.private, cert: server.cert };
}

function context(): { ctx: DiscoveryContext; warnings: string[] } {
  const warnings: string[] = [];
  return { ctx: { procRoot: "/proc", hostRoot: "/", warn: (m) => warnings.push(m) }, warnings };
}

describe("kubernetesDiscoverer against a fake API server", () => {
  let dir: string;
  let api: FakeApi;
  let options: KubernetesOptions;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "rampart-kube-"));
    const cluster = await clusterCa("kubernetes");
    const other = await clusterCa("some-other-cluster");
    writeFileSync(join(dir, "ca.crt"), cluster.ca);
    writeFileSync(join(dir, "other-ca.crt"), other.ca);
    api = await fakeApiServer(cluster.key, cluster.cert);
    options = {
      apiServer: api.url,
      tokenFile: join(dir, "token"),
      caFile: join(dir, "ca.crt"),
      env: { NODE_NAME: NODE },
      pageSize: 2,
    };
  });

  beforeEach(() => {
    api.token = "eyJhbGciOiJSUzI1NiIsImtpZCI6InRlc3QifQ.first";
    writeFileSync(join(dir, "token"), `${api.token}\n`);
    api.forbidIngresses = false;
    api.expireContinueOnce = false;
    api.seen = [];
  });

  afterAll(async () => {
    await api?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("lists this node's pods page by page, and the services and ingresses", async () => {
    const { ctx, warnings } = context();
    const found = await kubernetesDiscoverer(options).discover(ctx);
    expect(warnings).toEqual([]);

    expect(found.pods).toEqual([
      {
        uid: "0254d5b9-519c-4aa2-b037-703567c45ecb",
        namespace: "shop",
        name: "web-6d4cf56db6-xkv9p",
        node: NODE,
        containers: [
          "containerd://53abc6f5092755d98a31d9d580ab05bfa138a54a9955d090d00508035c6454c0",
          "containerd://55d70886cb857655de3390b17c76c847b679739f5e7fbab3b142fec84b531251",
          "containerd://e1090eb95c4b77688f7e343fda0720637fb15e84476dd0a49c88cb046b5f3c80",
        ],
        ips: ["10.244.1.17", "fd00:10:244:1::11"],
        labels: { app: "web", "app.kubernetes.io/part-of": "shop", "pod-template-hash": "6d4cf56db6" },
      },
      {
        uid: "56e53da8-6dfa-4640-82dd-013ef0673f3b",
        namespace: "kube-system",
        name: "kube-proxy-7xq2l",
        node: NODE,
        containers: ["containerd://d38cb8cde4698c9ed1aa021fe15e4ebf342847a9df4abef37aa5d6c482697f77"],
        ips: ["192.168.49.3"],
        labels: { "controller-revision-hash": "7bb84c4984", "k8s-app": "kube-proxy", "pod-template-generation": "1" },
      },
      {
        uid: "d6e756bb-992a-4301-805a-e146bacb68b2",
        namespace: "shop",
        name: "db-0",
        node: NODE,
        containers: ["containerd://8d3386e2dc746a366bcf7b703690346f3db5b2844338b3ecc4eccdb1c1cf86d7"],
        ips: ["10.244.1.22"],
        labels: {
          app: "db",
          "apps.kubernetes.io/pod-index": "0",
          "controller-revision-hash": "db-5f7c9d8b6",
          "statefulset.kubernetes.io/pod-name": "db-0",
        },
      },
      {
        // Still creating its container: no container id, no address yet.
        uid: "20fc54ae-b16b-4775-896d-96db6b4362b0",
        namespace: "shop",
        name: "report-28850720-5kq8w",
        node: NODE,
        containers: [],
        labels: {
          "batch.kubernetes.io/controller-uid": "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9",
          "batch.kubernetes.io/job-name": "report-28850720",
          "job-name": "report-28850720",
        },
      },
    ]);
    const pods = api.seen.filter((s) => s.path === "/api/v1/pods");
    expect(pods.map((s) => [s.query.get("limit"), s.query.get("continue")])).toEqual([
      ["2", null],
      ["2", CONTINUE],
    ]);

    expect(found.services).toEqual([
      {
        uid: "41e84edc-0e18-4a67-8026-509a20828694",
        namespace: "default",
        name: "kubernetes",
        type: "ClusterIP",
        clusterIP: "10.96.0.1",
        ports: [443],
        nodePorts: [],
        loadBalancer: [],
      },
      {
        uid: "0223d2ce-e256-4da2-a1af-6b289bdf9238",
        namespace: "shop",
        name: "web",
        type: "NodePort",
        clusterIP: "10.96.112.40",
        ports: [80, 9100],
        nodePorts: [30080, 31910],
        loadBalancer: [],
        selector: { app: "web" },
      },
      {
        uid: "36ee7f09-0fe4-4f79-bc18-04ebd7c61393",
        namespace: "shop",
        name: "web-public",
        type: "LoadBalancer",
        clusterIP: "10.96.7.201",
        ports: [443],
        nodePorts: [32443],
        loadBalancer: ["203.0.113.10", "a1b2c3d4e5f6-1234567890.eu-west-1.elb.amazonaws.com"],
        selector: { app: "web" },
      },
      {
        uid: "76602ac9-c430-40f6-8655-c43e185957cb",
        namespace: "shop",
        name: "db",
        type: "ClusterIP",
        clusterIP: "None",
        ports: [5432],
        nodePorts: [],
        loadBalancer: [],
        selector: { app: "db" },
      },
      {
        uid: "d7965232-5686-4d05-bc59-107191d4a2ac",
        namespace: "shop",
        name: "docs",
        type: "ExternalName",
        clusterIP: "",
        ports: [],
        nodePorts: [],
        loadBalancer: [],
      },
    ]);

    expect(found.ingresses).toEqual([
      {
        uid: "2b3995f9-5311-4571-8b02-5908d9991f20",
        namespace: "shop",
        name: "web",
        rules: [
          { host: "", path: "", service: "web", port: 80 },
          { host: "shop.example.com", path: "/", service: "web", port: 80 },
          // A port given by name: no number.
          { host: "shop.example.com", path: "/api", service: "api" },
          { host: "", path: "/healthz", service: "web", port: 80 },
        ],
      },
    ]);
  });

  it("reads the token again at each pass (projected tokens rotate)", async () => {
    const discoverer = kubernetesDiscoverer(options);
    expect((await discoverer.discover(context().ctx)).services).toHaveLength(5);
    api.token = "eyJhbGciOiJSUzI1NiIsImtpZCI6InRlc3QifQ.rotated";
    writeFileSync(join(dir, "token"), api.token);
    const { ctx, warnings } = context();
    expect((await discoverer.discover(ctx)).services).toHaveLength(5);
    expect(warnings).toEqual([]);
  });

  it("refuses an API server the cluster CA did not sign: one warning, nothing found", async () => {
    const { ctx, warnings } = context();
    const found = await kubernetesDiscoverer({ ...options, caFile: join(dir, "other-ca.crt") }).discover(ctx);
    expect(found).toEqual({});
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      `cannot verify the API server at ${api.url} against the cluster CA in ${join(dir, "other-ca.crt")}`,
    );
    expect(api.seen).toEqual([]);
  });

  it("names the missing RBAC permission on 403 and keeps what it may list", async () => {
    api.forbidIngresses = true;
    const { ctx, warnings } = context();
    const found = await kubernetesDiscoverer(options).discover(ctx);
    expect(found.pods).toHaveLength(4);
    expect(found.services).toHaveLength(5);
    expect(found.ingresses).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^kubernetes: missing RBAC permission: list ingresses\.networking\.k8s\.io at the cluster scope/,
    );
    expect(warnings[0]).toContain('User "system:serviceaccount:rampart:rampart-sensor" cannot list');
  });

  it("says when the token is refused (401)", async () => {
    writeFileSync(join(dir, "token"), "revoked");
    const { ctx, warnings } = context();
    expect(await kubernetesDiscoverer(options).discover(ctx)).toEqual({});
    expect(warnings).toEqual([
      `kubernetes: the API server at ${api.url} refused the service-account token (401 Unauthorized): pods, services and ingresses are not discovered`,
    ]);
  });

  it("starts a list again when its continue token expired (410)", async () => {
    api.expireContinueOnce = true;
    const { ctx, warnings } = context();
    const found = await kubernetesDiscoverer(options).discover(ctx);
    expect(warnings).toEqual([]);
    expect(found.pods?.map((p) => p.name)).toEqual([
      "web-6d4cf56db6-xkv9p",
      "kube-proxy-7xq2l",
      "db-0",
      "report-28850720-5kq8w",
    ]);
    expect(api.seen.filter((s) => s.path === "/api/v1/pods")).toHaveLength(4);
  });

  it("keeps to the limit and says so", async () => {
    const { ctx, warnings } = context();
    const found = await kubernetesDiscoverer({ ...options, maxPods: 2 }).discover(ctx);
    expect(found.pods?.map((p) => p.name)).toEqual(["web-6d4cf56db6-xkv9p", "kube-proxy-7xq2l"]);
    expect(warnings).toEqual(["kubernetes: more than 2 pods: the rest are left out"]);
  });

  it("lists no pods without NODE_NAME, and says how to set it", async () => {
    const { ctx, warnings } = context();
    const found = await kubernetesDiscoverer({ ...options, env: {} }).discover(ctx);
    expect(found.pods).toBeUndefined();
    expect(found.services).toHaveLength(5);
    expect(warnings).toEqual([expect.stringMatching(/NODE_NAME is not set .*spec\.nodeName/)]);
    expect(api.seen.some((s) => s.path === "/api/v1/pods")).toBe(false);
  });

  it("finds nothing, silently, outside a cluster", async () => {
    const { ctx, warnings } = context();
    expect(await kubernetesDiscoverer({ env: {} }).discover(ctx)).toEqual({});
    expect(warnings).toEqual([]);
  });

  it("warns when in a cluster without service-account credentials", async () => {
    const { ctx, warnings } = context();
    const env = { KUBERNETES_SERVICE_HOST: "127.0.0.1", KUBERNETES_SERVICE_PORT: "1", NODE_NAME: NODE };
    const found = await kubernetesDiscoverer({
      env,
      tokenFile: join(dir, "none"),
      caFile: join(dir, "ca.crt"),
    }).discover(ctx);
    expect(found).toEqual({});
    expect(warnings).toEqual([
      expect.stringMatching(/cannot read the service-account credentials .*automountServiceAccountToken/),
    ]);
  });

  it("needs exactly the RBAC rules it declares", async () => {
    await kubernetesDiscoverer(options).discover(context().ctx);
    const used = new Set(
      api.seen.map((s) => {
        const [, group = "", resource = ""] = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)\/([^/]+)$/.exec(s.path) ?? [];
        return `${group}/${resource}`;
      }),
    );
    const granted = new Set(
      KUBERNETES_RBAC_RULES.flatMap((r) =>
        r.verbs.includes("list") ? r.apiGroups.flatMap((g) => r.resources.map((res) => `${g}/${res}`)) : [],
      ),
    );
    expect([...used].sort()).toEqual([...granted].sort());
  });
});
