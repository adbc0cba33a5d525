import { readFile } from "node:fs/promises";
import * as http from "node:http";
import * as https from "node:https";
import { homedir } from "node:os";
import { resolve } from "node:path";
import { parse } from "yaml";
import type { KubeObject } from "../../target.js";
import type { Warn } from "./manifests.js";

/**
 * A live cluster's objects for the same workload, RBAC, network and service controls as manifests: read-only
 * lists (with limit and continue) over HTTPS with node:https, not a client library — sixteen GETs do not
 * justify one. Credentials come from a kubeconfig (token, client certificate, cluster CA); exec and
 * auth-provider plugins would run programs and are refused with a clear message.
 */

/** What the lists read, in this order: each needs `list` on its resource (a read-only ClusterRole). */
export const CLUSTER_RESOURCES: ReadonlyArray<{ path: string; kind: string; apiVersion: string }> = [
  { path: "/api/v1/namespaces", kind: "Namespace", apiVersion: "v1" },
  { path: "/api/v1/pods", kind: "Pod", apiVersion: "v1" },
  { path: "/api/v1/replicationcontrollers", kind: "ReplicationController", apiVersion: "v1" },
  { path: "/api/v1/services", kind: "Service", apiVersion: "v1" },
  { path: "/api/v1/serviceaccounts", kind: "ServiceAccount", apiVersion: "v1" },
  { path: "/apis/apps/v1/deployments", kind: "Deployment", apiVersion: "apps/v1" },
  { path: "/apis/apps/v1/statefulsets", kind: "StatefulSet", apiVersion: "apps/v1" },
  { path: "/apis/apps/v1/daemonsets", kind: "DaemonSet", apiVersion: "apps/v1" },
  { path: "/apis/apps/v1/replicasets", kind: "ReplicaSet", apiVersion: "apps/v1" },
  { path: "/apis/batch/v1/jobs", kind: "Job", apiVersion: "batch/v1" },
  { path: "/apis/batch/v1/cronjobs", kind: "CronJob", apiVersion: "batch/v1" },
  { path: "/apis/networking.k8s.io/v1/networkpolicies", kind: "NetworkPolicy", apiVersion: "networking.k8s.io/v1" },
  { path: "/apis/rbac.authorization.k8s.io/v1/roles", kind: "Role", apiVersion: "rbac.authorization.k8s.io/v1" },
  {
    path: "/apis/rbac.authorization.k8s.io/v1/rolebindings",
    kind: "RoleBinding",
    apiVersion: "rbac.authorization.k8s.io/v1",
  },
  {
    path: "/apis/rbac.authorization.k8s.io/v1/clusterroles",
    kind: "ClusterRole",
    apiVersion: "rbac.authorization.k8s.io/v1",
  },
  {
    path: "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
    kind: "ClusterRoleBinding",
    apiVersion: "rbac.authorization.k8s.io/v1",
  },
];

/** How to reach a cluster's API server. */
export interface ClusterAccess {
  /** "https://10.0.0.1:6443" (http:// only for a loopback test server). */
  server: string;
  /** The context it came from, for messages. */
  name: string;
  token?: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** insecure-skip-tls-verify in the kubeconfig. */
  insecure?: boolean;
}

export class ClusterError extends Error {
  override name = "ClusterError";
}

const MAX_PAGE_BYTES = 64 * 1024 * 1024;
const MAX_OBJECTS = 200_000;
const PAGE_SIZE = 500;
const TIMEOUT_MS = 30_000;

type Doc = Record<string, unknown>;
const rec = (v: unknown): Doc => (v && typeof v === "object" && !Array.isArray(v) ? (v as Doc) : {});

/** The named entry of a kubeconfig list (`clusters`, `users`, `contexts`). */
function entry(config: Doc, list: string, name: string, file: string): Doc {
  const found = (Array.isArray(config[list]) ? (config[list] as unknown[]) : []).map(rec).find((e) => e.name === name);
  if (!found) throw new ClusterError(`${file}: no ${list.slice(0, -1)} named ${JSON.stringify(name)}`);
  return rec(found[list.slice(0, -1)]);
}

/** `x-data` (base64) or the file `x` names, relative to the kubeconfig's directory. */
async function material(o: Doc, key: string, base: string): Promise<Buffer | undefined> {
  const data = o[`${key}-data`];
  if (typeof data === "string" && data) return Buffer.from(data, "base64");
  const file = o[key];
  return typeof file === "string" && file ? readFile(resolve(base, file)) : undefined;
}

/**
 * The API server and credentials of a kubeconfig context (default: its current-context). The file is
 * `path`, else $KUBECONFIG (its first entry), else ~/.kube/config.
 */
export async function clusterFromKubeconfig(path?: string, context?: string): Promise<ClusterAccess> {
  const file = path ?? process.env.KUBECONFIG?.split(":").find(Boolean) ?? resolve(homedir(), ".kube/config");
  let config: Doc;
  try {
    config = rec(parse(await readFile(file, "utf8"), { maxAliasCount: 100 }));
  } catch (e) {
    throw new ClusterError(`${file}: cannot read the kubeconfig: ${(e as Error).message.split("\n")[0]}`);
  }
  const name = context ?? (typeof config["current-context"] === "string" ? (config["current-context"] as string) : "");
  if (!name) throw new ClusterError(`${file}: no current-context; name one with k8s://CONTEXT`);
  const ctx = entry(config, "contexts", name, file);
  const cluster = entry(config, "clusters", String(ctx.cluster ?? ""), file);
  const user = ctx.user === undefined ? {} : entry(config, "users", String(ctx.user), file);
  if (user.exec || user["auth-provider"])
    throw new ClusterError(
      `${file}: context ${name} authenticates through an exec or auth-provider plugin, which Rampart does not run; use a token or a client certificate (e.g. a service account's token)`,
    );
  const server = typeof cluster.server === "string" ? cluster.server : "";
  if (!/^https?:\/\//.test(server)) throw new ClusterError(`${file}: context ${name} has no server URL`);
  const base = resolve(file, "..");
  const token =
    typeof user.token === "string"
      ? user.token
      : typeof user.tokenFile === "string"
        ? (await readFile(resolve(base, user.tokenFile), "utf8")).trim()
        : undefined;
  const [ca, cert, key] = await Promise.all([
    material(cluster, "certificate-authority", base),
    material(user, "client-certificate", base),
    material(user, "client-key", base),
  ]);
  return {
    server: server.replace(/\/+$/, ""),
    name,
    ...(token ? { token } : {}),
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(cluster["insecure-skip-tls-verify"] === true ? { insecure: true } : {}),
  };
}

/** One GET of JSON from the API server, bounded in time and size; an HTTP error carries its status. */
function getJson(a: ClusterAccess, path: string): Promise<{ status: number; body: Doc }> {
  const url = new URL(path, `${a.server}/`);
  const secure = url.protocol === "https:";
  return new Promise((done, fail) => {
    const req = (secure ? https : http).request(
      url,
      {
        method: "GET",
        agent: false,
        timeout: TIMEOUT_MS,
        headers: { accept: "application/json", ...(a.token ? { authorization: `Bearer ${a.token}` } : {}) },
        ...(secure
          ? { ...(a.ca ? { ca: a.ca } : {}), ...(a.cert ? { cert: a.cert } : {}), ...(a.key ? { key: a.key } : {}) }
          : {}),
        ...(secure && a.insecure ? { rejectUnauthorized: false } : {}),
      },
      (res) => {
        const parts: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > MAX_PAGE_BYTES) req.destroy(new ClusterError(`GET ${path}: answer over ${MAX_PAGE_BYTES} bytes`));
          else parts.push(c);
        });
        res.on("end", () => {
          try {
            done({ status: res.statusCode ?? 0, body: rec(JSON.parse(Buffer.concat(parts).toString("utf8"))) });
          } catch {
            fail(new ClusterError(`GET ${path}: HTTP ${res.statusCode}, not JSON`));
          }
        });
        res.on("error", fail);
      },
    );
    req.on("timeout", () => req.destroy(new ClusterError(`GET ${path}: no answer within ${TIMEOUT_MS} ms`)));
    req.on("error", (e) =>
      fail(e instanceof ClusterError ? e : new ClusterError(`${a.server}${path}: ${(e as Error).message}`)),
    );
    req.end();
  });
}

/**
 * Every object of CLUSTER_RESOURCES, with apiVersion and kind set (lists leave them out of their items). A
 * resource the credentials may not list (403) or the cluster does not serve (404) is a warning and left out;
 * an unreachable or refusing API server (401, transport errors) fails the whole read.
 */
export async function listClusterObjects(a: ClusterAccess, warn: Warn): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const r of CLUSTER_RESOURCES) {
    let cont = "";
    do {
      const q = `${r.path}?limit=${PAGE_SIZE}${cont ? `&continue=${encodeURIComponent(cont)}` : ""}`;
      const { status, body } = await getJson(a, q);
      if (status === 401)
        throw new ClusterError(`${a.server}: the API server refused the credentials of context ${a.name} (401)`);
      if (status === 403 || status === 404) {
        warn(
          `kubernetes: cannot list ${r.kind} objects (${status}${typeof body.message === "string" ? `: ${body.message}` : ""}); their controls see none`,
        );
        break;
      }
      if (status < 200 || status > 299)
        throw new ClusterError(
          `GET ${r.path}: HTTP ${status}${typeof body.message === "string" ? `: ${body.message}` : ""}`,
        );
      for (const item of Array.isArray(body.items) ? body.items : []) {
        if (out.length >= MAX_OBJECTS) {
          warn(`kubernetes: more than ${MAX_OBJECTS} objects; the rest were not read`);
          return out;
        }
        out.push({ ...rec(item), apiVersion: r.apiVersion, kind: r.kind } as KubeObject);
      }
      cont = typeof rec(body.metadata).continue === "string" ? (rec(body.metadata).continue as string) : "";
    } while (cont);
  }
  return out;
}
