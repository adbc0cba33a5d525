import { readFile } from "node:fs/promises";
import * as https from "node:https";
import { isIP } from "node:net";
import type { IngressItem, PodItem, ServiceItem } from "@rampart/console/protocol";
import type { Discovered, Discoverer, DiscoveryContext } from "./discoverer.js";

/**
 * Pods on this node, and the cluster's services and ingresses, from the Kubernetes API with the sensor's
 * service-account token (verifying the API server against the cluster CA). Plain HTTPS lists with limit and
 * continue, not a client library: three read-only lists do not justify one in a sensor meant to stay light.
 *
 * The token and CA are the sensor pod's own mounts (not the host's: they are not under ctx.hostRoot). The token
 * is read again at every pass, as projected tokens rotate. Lists are cluster-wide, so the pod's namespace is
 * not needed. Outside a cluster (no KUBERNETES_SERVICE_HOST and no apiServer option) this finds nothing, silently.
 */

/** The RBAC rules the sensor's service account needs (a ClusterRole): the DaemonSet manifest grants these. */
export const KUBERNETES_RBAC_RULES = [
  { apiGroups: [""], resources: ["pods", "services"], verbs: ["list"] },
  { apiGroups: ["networking.k8s.io"], resources: ["ingresses"], verbs: ["list"] },
] as const satisfies readonly {
  apiGroups: readonly string[];
  resources: readonly string[];
  verbs: readonly string[];
}[];

const SERVICE_ACCOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";

export interface KubernetesOptions {
  /** The API server, e.g. "https://10.96.0.1:443"; default from KUBERNETES_SERVICE_HOST/PORT. */
  apiServer?: string;
  /** Default /var/run/secrets/kubernetes.io/serviceaccount/token. */
  tokenFile?: string;
  /** The cluster CA the API server's certificate must chain to; default …/serviceaccount/ca.crt. */
  caFile?: string;
  /** This node's name (pods are listed for it only); default $NODE_NAME, set by the DaemonSet (downward API). */
  nodeName?: string;
  /** Where KUBERNETES_SERVICE_HOST/PORT and NODE_NAME are read; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Items per page (default 500). */
  pageSize?: number;
  /** Per page (default 10 s). */
  timeoutMs?: number;
  /** Largest page accepted (default 32 MB). */
  maxBytes?: number;
  /** Caps (default the report's LIMITS). */
  maxPods?: number;
  maxServices?: number;
  maxIngresses?: number;
}

/** The report's LIMITS for these sections (copied: the sensor imports only types from the console). */
const LIMITS = { pods: 2_000, services: 10_000, ingresses: 5_000 };

export function kubernetesDiscoverer(opts: KubernetesOptions = {}): Discoverer {
  return {
    name: "kubernetes",
    async discover(ctx: DiscoveryContext): Promise<Discovered> {
      const env = opts.env ?? process.env;
      const server = apiServer(opts, env);
      if (!server) return {};
      const tokenFile = opts.tokenFile ?? `${SERVICE_ACCOUNT}/token`;
      const caFile = opts.caFile ?? `${SERVICE_ACCOUNT}/ca.crt`;
      let token: string;
      let ca: Buffer;
      try {
        [token, ca] = await Promise.all([readFile(tokenFile, "utf8"), readFile(caFile)]);
      } catch (e) {
        ctx.warn(
          `kubernetes: in a cluster but cannot read the service-account credentials (${(e as Error).message}); ` +
            "is automountServiceAccountToken off? pods, services and ingresses are not discovered",
        );
        return {};
      }
      const api = new KubeApi(server, token.trim(), ca, opts, ctx.signal);
      try {
        const found: Discovered = {};
        const node = opts.nodeName ?? env.NODE_NAME;
        const lists: [Resource, () => Promise<void>][] = [
          [
            RESOURCES.pods,
            async () => {
              if (!node) {
                ctx.warn(
                  "kubernetes: NODE_NAME is not set (give it from the downward API, fieldPath spec.nodeName): pods are not discovered",
                );
                return;
              }
              const items = await api.list(RESOURCES.pods, opts.maxPods ?? LIMITS.pods, ctx, `spec.nodeName=${node}`);
              found.pods = items.map(podItem).filter((p): p is PodItem => p !== undefined);
            },
          ],
          [
            RESOURCES.services,
            async () => {
              const items = await api.list(RESOURCES.services, opts.maxServices ?? LIMITS.services, ctx);
              found.services = items.map(serviceItem).filter((s): s is ServiceItem => s !== undefined);
            },
          ],
          [
            RESOURCES.ingresses,
            async () => {
              const items = await api.list(RESOURCES.ingresses, opts.maxIngresses ?? LIMITS.ingresses, ctx);
              found.ingresses = items.map(ingressItem).filter((i): i is IngressItem => i !== undefined);
            },
          ],
        ];
        for (const [resource, list] of lists) {
          try {
            await list();
          } catch (e) {
            if (ctx.signal?.aborted) return {};
            if (!(e instanceof KubeError) || e.status === undefined || e.status === 401) {
              // The server, the connection or the token: every other list would fail the same way.
              ctx.warn(`kubernetes: ${(e as Error).message}`);
              return {};
            }
            ctx.warn(`kubernetes: ${resourceProblem(resource, e)}`);
          }
        }
        return found;
      } finally {
        api.close();
      }
    },
  };
}

function apiServer(opts: KubernetesOptions, env: NodeJS.ProcessEnv): URL | undefined {
  if (opts.apiServer) return new URL(opts.apiServer);
  const host = env.KUBERNETES_SERVICE_HOST;
  if (!host) return undefined;
  const port = env.KUBERNETES_SERVICE_PORT || "443";
  return new URL(`https://${isIP(host) === 6 ? `[${host}]` : host}:${port}`);
}

interface Resource {
  /** As RBAC names it: "pods", "ingresses.networking.k8s.io". */
  rbac: string;
  path: string;
}
const RESOURCES = {
  pods: { rbac: "pods", path: "/api/v1/pods" },
  services: { rbac: "services", path: "/api/v1/services" },
  ingresses: { rbac: "ingresses.networking.k8s.io", path: "/apis/networking.k8s.io/v1/ingresses" },
} satisfies Record<string, Resource>;

function resourceProblem(resource: Resource, e: KubeError): string {
  if (e.status === 403)
    return (
      `missing RBAC permission: list ${resource.rbac} at the cluster scope (grant list on it to the sensor's ` +
      `service account; the API server says: ${e.serverMessage})`
    );
  if (e.status === 404 && resource === RESOURCES.ingresses)
    return `${resource.rbac}/v1 is not served by this cluster (Kubernetes older than 1.19?): ingresses are not discovered`;
  return e.message;
}

class KubeError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly serverMessage = "",
  ) {
    super(message);
    this.name = "KubeError";
  }
}

/** A kube-apiserver list answer (only the fields read). */
interface KubeList {
  kind?: string;
  metadata?: { continue?: string };
  items?: unknown[];
}

/** One pass's connection to the API server: one TLS session kept alive across the pages, closed at the end. */
class KubeApi {
  private readonly agent: https.Agent;

  constructor(
    private readonly server: URL,
    private readonly token: string,
    ca: Buffer,
    private readonly opts: KubernetesOptions,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.agent = new https.Agent({ ca, keepAlive: true, maxSockets: 1 });
  }

  close(): void {
    this.agent.destroy();
  }

  /** Every item of a list, page by page, up to `max` (a warning says what was left out). */
  async list(resource: Resource, max: number, ctx: DiscoveryContext, fieldSelector?: string): Promise<unknown[]> {
    const pageSize = this.opts.pageSize ?? 500;
    let items: unknown[] = [];
    let token: string | undefined;
    let restarted = false;
    // A bound on pages, should a server hand out continue tokens forever.
    for (let page = 0; page < 10_000; page++) {
      const query = new URLSearchParams({ limit: String(Math.min(pageSize, max - items.length)) });
      if (fieldSelector) query.set("fieldSelector", fieldSelector);
      if (token) query.set("continue", token);
      let answer: KubeList;
      try {
        answer = (await this.get(`${resource.path}?${query}`)) as KubeList;
      } catch (e) {
        // The continue token expired (410 Gone) before the list ended: start it again, once.
        if (e instanceof KubeError && e.status === 410 && token && !restarted) {
          restarted = true;
          items = [];
          token = undefined;
          continue;
        }
        throw e;
      }
      if (!Array.isArray(answer?.items)) throw new KubeError(`GET ${resource.path}: the answer is not a list`);
      items.push(...answer.items);
      token = answer.metadata?.continue || undefined;
      if (!token) return items;
      if (items.length >= max) {
        ctx.warn(`kubernetes: more than ${max} ${resource.rbac}: the rest are left out`);
        return items.slice(0, max);
      }
    }
    throw new KubeError(`GET ${resource.path}: the list does not end`);
  }

  private get(path: string): Promise<unknown> {
    const timeoutMs = this.opts.timeoutMs ?? 10_000;
    const maxBytes = this.opts.maxBytes ?? 32 * 1024 * 1024;
    const where = this.server.origin;
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (e: Error | undefined, value?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        this.signal?.removeEventListener("abort", onAbort);
        if (e) {
          req.destroy();
          reject(e);
        } else resolve(value);
      };
      const req = https.request(
        new URL(path, this.server),
        {
          method: "GET",
          agent: this.agent,
          headers: { authorization: `Bearer ${this.token}`, accept: "application/json" },
        },
        (res) => {
          const parts: Buffer[] = [];
          let size = 0;
          res.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) finish(new KubeError(`GET ${path}: answer over ${maxBytes} bytes`));
            else parts.push(chunk);
          });
          res.on("error", (e) => finish(new KubeError(`GET ${path} on ${where}: ${e.message}`)));
          res.on("close", () => finish(new KubeError(`GET ${path} on ${where}: the answer was cut short`)));
          res.on("end", () => {
            const text = Buffer.concat(parts).toString("utf8");
            const status = res.statusCode ?? 0;
            if (status === 200) {
              try {
                finish(undefined, JSON.parse(text));
              } catch {
                finish(new KubeError(`GET ${path} on ${where}: the answer is not JSON`));
              }
              return;
            }
            const message = statusMessage(text);
            if (status === 401)
              return finish(
                new KubeError(
                  `the API server at ${where} refused the service-account token (401 ${message || "Unauthorized"}): ` +
                    "pods, services and ingresses are not discovered",
                  status,
                  message,
                ),
              );
            finish(
              new KubeError(`GET ${path} on ${where}: HTTP ${status}${message ? `: ${message}` : ""}`, status, message),
            );
          });
        },
      );
      const deadline = setTimeout(
        () => finish(new KubeError(`the API server at ${where} did not answer GET ${path} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onAbort = () => finish(new KubeError("aborted"));
      if (this.signal?.aborted) return onAbort();
      this.signal?.addEventListener("abort", onAbort, { once: true });
      req.on("error", (e: Error & { code?: string }) => finish(this.describe(e)));
      req.end();
    });
  }

  private describe(e: Error & { code?: string }): KubeError {
    const where = this.server.origin;
    const ca = this.opts.caFile ?? `${SERVICE_ACCOUNT}/ca.crt`;
    if (e.code === "ERR_TLS_CERT_ALTNAME_INVALID")
      return new KubeError(`the API server's certificate does not name ${this.server.hostname} (${e.message})`);
    if (e.code && TLS_TRUST_ERRORS.has(e.code))
      return new KubeError(
        `cannot verify the API server at ${where} against the cluster CA in ${ca} (${e.code}: ${e.message}): ` +
          "pods, services and ingresses are not discovered",
      );
    return new KubeError(`cannot reach the API server at ${where}: ${e.message}`);
  }
}

/** OpenSSL's verdicts on a certificate chain that does not lead to the given CA, or is not valid. */
const TLS_TRUST_ERRORS = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_SIGNATURE_FAILURE",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
]);

/** The message of a Kubernetes Status answer. */
function statusMessage(text: string): string {
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof message === "string") return message.slice(0, 500);
  } catch {}
  return text.slice(0, 200).trim();
}

// --- From Kubernetes objects to report items (only the fields read; every value bounded as the report wants).

interface Meta {
  uid?: string;
  namespace?: string;
  name?: string;
  labels?: Record<string, string>;
}
interface ContainerStatus {
  containerID?: string;
}
interface KubePod {
  metadata?: Meta;
  spec?: { nodeName?: string };
  status?: {
    podIP?: string;
    podIPs?: { ip?: string }[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
    ephemeralContainerStatuses?: ContainerStatus[];
  };
}
interface KubeService {
  metadata?: Meta;
  spec?: {
    type?: string;
    clusterIP?: string;
    ports?: { port?: number; nodePort?: number }[];
    selector?: Record<string, string>;
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}
interface Backend {
  service?: { name?: string; port?: { number?: number; name?: string } };
}
interface KubeIngress {
  metadata?: Meta;
  spec?: {
    defaultBackend?: Backend;
    rules?: { host?: string; http?: { paths?: { path?: string; backend?: Backend }[] } }[];
  };
}

const str = (v: unknown, max: number) => (typeof v === "string" ? v.slice(0, max) : "");
const isPort = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535;

/** uid, namespace and name, or undefined when one is missing (the report requires them). */
function identity(m: Meta | undefined): { uid: string; namespace: string; name: string } | undefined {
  if (!m?.uid || m.uid.length > 128 || !m.namespace || !m.name) return undefined;
  return { uid: m.uid, namespace: m.namespace.slice(0, 253), name: m.name.slice(0, 253) };
}

function labels(l: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!l || typeof l !== "object") return undefined;
  const out: Record<string, string> = {};
  let n = 0;
  for (const [k, v] of Object.entries(l)) {
    if (n >= 128) break;
    if (!k || k.length > 317 || typeof v !== "string") continue;
    out[k] = v.slice(0, 1024);
    n++;
  }
  return n ? out : undefined;
}

function podItem(raw: unknown): PodItem | undefined {
  const p = raw as KubePod;
  const id = identity(p?.metadata);
  if (!id) return undefined;
  const s = p.status ?? {};
  // Init containers too: a sidecar (restartPolicy Always) runs among them.
  const statuses = [
    ...(s.containerStatuses ?? []),
    ...(s.initContainerStatuses ?? []),
    ...(s.ephemeralContainerStatuses ?? []),
  ];
  const containers = [
    ...new Set(
      statuses
        .map((c) => c?.containerID)
        .filter((c): c is string => typeof c === "string" && c.length > 0 && c.length <= 256),
    ),
  ].slice(0, 256);
  const item: PodItem = { ...id, node: str(p.spec?.nodeName, 253), containers };
  const ips = [...(s.podIPs ?? []).map((i) => i?.ip), s.podIP].filter(
    (a): a is string => typeof a === "string" && a.length <= 64 && isIP(a) !== 0,
  );
  if (ips.length) item.ips = [...new Set(ips)].slice(0, 8);
  const l = labels(p.metadata?.labels);
  if (l) item.labels = l;
  return item;
}

function serviceItem(raw: unknown): ServiceItem | undefined {
  const s = raw as KubeService;
  const id = identity(s?.metadata);
  if (!id) return undefined;
  const ports = s.spec?.ports ?? [];
  const item: ServiceItem = {
    ...id,
    type: str(s.spec?.type, 32) || "ClusterIP",
    clusterIP: str(s.spec?.clusterIP, 64),
    ports: ports
      .map((p) => p?.port)
      .filter(isPort)
      .slice(0, 256),
    nodePorts: ports
      .map((p) => p?.nodePort)
      .filter(isPort)
      .slice(0, 256),
    loadBalancer: (s.status?.loadBalancer?.ingress ?? [])
      .map((i) => str(i?.ip || i?.hostname, 253))
      .filter(Boolean)
      .slice(0, 64),
  };
  const selector = labels(s.spec?.selector);
  if (selector) item.selector = selector;
  return item;
}

function ingressItem(raw: unknown): IngressItem | undefined {
  const i = raw as KubeIngress;
  const id = identity(i?.metadata);
  if (!id) return undefined;
  const rules: IngressItem["rules"] = [];
  const add = (host: unknown, path: unknown, backend: Backend | undefined) => {
    // A backend to a resource other than a service (a storage bucket…) leads to nothing the topology shows.
    const service = backend?.service;
    if (!service?.name) return;
    const rule: IngressItem["rules"][number] = {
      host: str(host, 253),
      path: str(path, 1024),
      service: str(service.name, 253),
    };
    if (isPort(service.port?.number)) rule.port = service.port.number;
    rules.push(rule);
  };
  // The default backend takes what no rule matches: any host, any path.
  add("", "", i.spec?.defaultBackend);
  for (const r of i.spec?.rules ?? []) for (const p of r?.http?.paths ?? []) add(r.host, p?.path, p?.backend);
  return { ...id, rules: rules.slice(0, 256) };
}
