import * as http from "node:http";
import * as https from "node:https";
import { SourceError } from "../entry.js";

/**
 * HTTP for the registry client, on node:http/node:https rather than the global fetch: on Node 20, fetch
 * cannot skip TLS verification for one registry without the undici package (its Agent), while an
 * https.Agent does it per client with no dependency. It also gives Node Readable bodies (no web-stream
 * bridge on the multi-hundred-MB blob path) and manual redirects, which we need anyway to drop the
 * Authorization header when a registry redirects a blob to another host (object storage).
 */

/** Why a request failed before any HTTP answer, so the client can react (fall back to HTTP, hint). */
export type FailureReason = "refused" | "unreachable" | "timeout" | "tls-protocol" | "tls-certificate" | "other";

export class TransportError extends SourceError {
  constructor(
    message: string,
    readonly reason: FailureReason,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "TransportError";
  }
}

export interface TransportOptions {
  /** Accept any TLS certificate (self-signed test registries). */
  insecure: boolean;
  /** Connecting plus waiting for the response headers. */
  timeoutMs: number;
  /** Longest silence while a body streams (the consumer may pause it while it scans a big file). */
  bodyIdleMs: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /** The URL that answered, after redirects. */
  readonly url: URL;
  readonly body: http.IncomingMessage;
}

export interface RequestInit {
  method?: "GET" | "HEAD";
  /** Lower-case header names. */
  headers?: Record<string, string>;
  /** Follow 301/302/303/307/308 (blob downloads); otherwise a redirect is returned as is. */
  followRedirects?: boolean;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;
const MAX_SOCKETS = 8;

export class HttpTransport {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  private readonly httpsAgent: https.Agent;

  constructor(private readonly opts: TransportOptions) {
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS, rejectUnauthorized: !opts.insecure });
  }

  async request(url: URL, init: RequestInit = {}): Promise<HttpResponse> {
    const headers = { ...init.headers };
    let current = url;
    for (let hop = 0; ; hop++) {
      const res = await this.once(current, init.method ?? "GET", headers);
      if (!init.followRedirects || !REDIRECTS.has(res.status)) return res;
      res.body.resume();
      const location = res.headers.location;
      if (!location) throw new SourceError(`${current.host} answered HTTP ${res.status} without a Location header`);
      if (hop >= MAX_REDIRECTS)
        throw new SourceError(`${url.host}: more than ${MAX_REDIRECTS} redirects for ${url.pathname}`);
      const next = new URL(location, current);
      if (next.protocol !== "https:" && next.protocol !== "http:")
        throw new SourceError(`${current.host} redirected to an unsupported URL scheme ${next.protocol}`);
      if (current.protocol === "https:" && next.protocol === "http:" && !this.opts.insecure)
        throw new SourceError(`${current.host} redirected from HTTPS to plain HTTP (${next.host}); refusing`);
      // Credentials are for the registry only: never hand them to the storage host it redirects to.
      if (next.origin !== current.origin) delete headers.authorization;
      current = next;
    }
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private once(url: URL, method: string, headers: Record<string, string>, retries = 0): Promise<HttpResponse> {
    const { timeoutMs, bodyIdleMs } = this.opts;
    return new Promise((resolve, reject) => {
      const secure = url.protocol === "https:";
      const agent = secure ? this.httpsAgent : this.httpAgent;
      const options = { method, headers, agent, timeout: timeoutMs };
      let response: http.IncomingMessage | undefined;
      const req = (secure ? https : http).request(url, options, (res) => {
        response = res;
        res.socket?.setTimeout(bodyIdleMs);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, url, body: res });
      });
      req.on("timeout", () => {
        const waited = response ? bodyIdleMs : timeoutMs;
        const what = response ? "stalled while sending" : "did not answer";
        const err = new TransportError(`${url.host} ${what} for ${waited / 1000} s (${url.pathname})`, "timeout");
        if (response) response.destroy(err);
        else req.destroy(err);
      });
      req.on("error", (e: Error & { code?: string }) => {
        // A kept-alive socket the server closed while idle: the request never got an answer, so send it
        // again (the pattern Node's docs give for request.reusedSocket). Each retry uses up one dead pooled
        // socket; a failure on a fresh connection is final.
        const stale = req.reusedSocket && (e.code === "ECONNRESET" || e.code === "EPIPE");
        if (!response && stale && retries < MAX_SOCKETS) resolve(this.once(url, method, headers, retries + 1));
        else reject(describeNetworkError(e, url));
      });
      req.end();
    });
  }
}

const TLS_CERT = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ALTNAME/;

function describeNetworkError(e: Error & { code?: string; reason?: string }, url: URL): SourceError {
  if (e instanceof SourceError) return e;
  const code = e.code ?? "";
  // OpenSSL errors carry a multi-line message; their `reason` ("wrong version number") is the readable part.
  const detail = typeof e.reason === "string" && e.reason ? e.reason : (e.message.split("\n")[0] ?? e.message);
  const host = url.host;
  if (code === "ECONNREFUSED")
    return new TransportError(`cannot connect to ${host}: connection refused`, "refused", { cause: e });
  if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    return new TransportError(`cannot resolve the registry host ${url.hostname}`, "unreachable", { cause: e });
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH" || code === "ETIMEDOUT")
    return new TransportError(`cannot reach ${host}: ${detail}`, "unreachable", { cause: e });
  if (TLS_CERT.test(code))
    return new TransportError(
      `the TLS certificate of ${host} is not trusted (${detail}); for a test registry with a self-signed certificate use the insecure option`,
      "tls-certificate",
      { cause: e },
    );
  if (code === "EPROTO" || code.startsWith("ERR_SSL_"))
    return new TransportError(`${host} does not speak HTTPS (${detail})`, "tls-protocol", { cause: e });
  return new TransportError(`request to ${host} failed: ${detail}`, "other", { cause: e });
}

/** Reads a whole (small) body, refusing more than `limit` bytes without buffering them. */
export async function readBody(res: HttpResponse, limit: number, what: string): Promise<Buffer> {
  const declared = Number(res.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    res.body.destroy();
    throw new SourceError(`${what}: ${declared} bytes is over the ${limit}-byte limit`);
  }
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw new SourceError(`${what}: more than ${limit} bytes`);
      parts.push(chunk);
    }
  } catch (e) {
    res.body.destroy();
    if (e instanceof SourceError) throw e;
    throw new SourceError(`${what}: the connection broke while reading (${(e as Error).message})`, { cause: e });
  }
  return Buffer.concat(parts);
}
