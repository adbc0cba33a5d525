// The live-cluster path against a fake API server on loopback: no Kubernetes API server can run on this
// machine, so the test serves the bad fixtures' objects the way the API lists them (paged, without kind in
// the items, 403 for what a role may not list) and checks the controls see the same as from the manifests.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadBuiltinControls } from "../../builtin.js";
import { evaluatePosture } from "../../engine.js";
import type { KubeObject } from "../../target.js";
import { allCollectors } from "../index.js";
import { CLUSTER_RESOURCES, ClusterError, clusterFromKubeconfig, listClusterObjects } from "./cluster.js";
import { loadManifests } from "./manifests.js";

const BAD = join(import.meta.dirname, "testdata/bad");
const TOKEN = "test-token-not-a-secret";

let dir: string;
let server: http.Server;
let url: string;
let manifests: KubeObject[];
const requests: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rampart-cluster-"));
  manifests = await loadManifests([BAD], () => {});
  server = http.createServer((req, res) => {
    requests.push(req.url ?? "");
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { kind: "Status", message: "Unauthorized" });
    const u = new URL(req.url ?? "/", "http://x");
    const r = CLUSTER_RESOURCES.find((x) => x.path === u.pathname);
    if (!r) return send(404, { kind: "Status", message: "the server could not find the requested resource" });
    if (r.kind === "ClusterRoleBinding")
      return send(403, { kind: "Status", message: "forbidden: list clusterrolebindings" });
    // What the API returns: items without apiVersion/kind, paged by `limit` with an opaque `continue`.
    const items = manifests
      .filter((o) => o.kind === r.kind)
      .map(({ $source: _, apiVersion: _a, kind: _k, ...rest }) => rest);
    const from = Number(u.searchParams.get("continue") ?? 0);
    const page = items.slice(from, from + 2);
    const next = from + 2 < items.length ? String(from + 2) : undefined;
    send(200, {
      kind: `${r.kind}List`,
      apiVersion: r.apiVersion,
      metadata: next ? { continue: next } : {},
      items: page,
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.close();
  await rm(dir, { recursive: true, force: true });
});

const kubeconfig = async (name: string, user: Record<string, unknown>) => {
  const file = join(dir, name);
  await writeFile(
    file,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      "current-context": "lab",
      clusters: [{ name: "lab-cluster", cluster: { server: url } }],
      users: [{ name: "lab-user", user }],
      contexts: [{ name: "lab", context: { cluster: "lab-cluster", user: "lab-user" } }],
    }),
  );
  return file;
};

describe("posture of a live cluster through its API", () => {
  it("lists every resource page by page and gives the same results as the manifests", async () => {
    const access = await clusterFromKubeconfig(await kubeconfig("config", { token: TOKEN }));
    expect(access).toMatchObject({ server: url, name: "lab", token: TOKEN });
    const warnings: string[] = [];
    const objects = await listClusterObjects(access, (m) => warnings.push(m));
    expect(requests.some((r) => r.includes("continue="))).toBe(true);
    expect(warnings).toEqual([expect.stringMatching(/cannot list ClusterRoleBinding objects \(403: forbidden/)]);
    const listable = manifests.filter(
      (o) => o.kind !== "ClusterRoleBinding" && CLUSTER_RESOURCES.some((r) => r.kind === o.kind),
    );
    expect(objects.map((o) => `${o.kind} ${o.metadata?.namespace ?? ""}/${o.metadata?.name}`).sort()).toEqual(
      listable.map((o) => `${o.kind} ${o.metadata?.namespace ?? ""}/${o.metadata?.name}`).sort(),
    );

    const controls = loadBuiltinControls().filter((c) => c.platform === "kubernetes");
    const [fromApi, fromFiles] = await Promise.all([
      evaluatePosture(controls, { name: "k8s://lab", kubernetes: objects }, allCollectors),
      evaluatePosture(controls, { name: "bad", kubernetes: listable }, allCollectors),
    ]);
    const view = (r: typeof fromApi) =>
      r.results.map((x) => [x.control.id, x.status, x.violations.map((v) => v.subject).sort()]);
    expect(view(fromApi)).toEqual(view(fromFiles));
    expect(fromApi.results.filter((x) => x.status === "fail").length).toBeGreaterThan(20);
    // Objects from the API have no file: their violations carry no location.
    expect(fromApi.results.flatMap((x) => x.violations).every((v) => v.location === undefined)).toBe(true);
  });

  it("refuses wrong credentials, exec plugins and a missing context with clear errors", async () => {
    const wrong = await clusterFromKubeconfig(await kubeconfig("wrong", { token: "nope" }));
    await expect(listClusterObjects(wrong, () => {})).rejects.toThrow(/refused the credentials of context lab \(401\)/);
    const exec = await kubeconfig("exec", { exec: { command: "aws", args: ["eks", "get-token"] } });
    await expect(clusterFromKubeconfig(exec)).rejects.toThrow(/exec or auth-provider plugin/);
    await expect(clusterFromKubeconfig(await kubeconfig("ctx", { token: TOKEN }), "other")).rejects.toThrow(
      /no context named "other"/,
    );
    await expect(clusterFromKubeconfig(join(dir, "missing"))).rejects.toBeInstanceOf(ClusterError);
    const down = { server: "http://127.0.0.1:1", name: "down" };
    await expect(listClusterObjects(down, () => {})).rejects.toThrow(/127\.0\.0\.1:1/);
  });
});
