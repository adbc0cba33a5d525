import { readFileSync } from "node:fs";
import * as https from "node:https";
import type { Socket } from "node:net";
import * as tls from "node:tls";
import { gzipSync } from "node:zlib";

/** How the sensor trusts the console: the system's CAs, a CA file, or the pinned SHA-256 of its certificate. */
export type Trust =
  | { kind: "system" }
  | { kind: "ca"; caFile: string }
  /** "AB:CD:…" or plain hex, as `rampart console` prints it for its self-signed certificate. */
  | { kind: "pin"; fingerprint256: string };

export interface Reply<T = unknown> {
  status: number;
  body: T;
}

/** The console could not be reached or did not answer in time: retry later (the sensor buffers meanwhile). */
export class UnreachableError extends Error {
  override name = "UnreachableError";
}

/** The console's certificate is not the one pinned (or not trusted): never retried silently. */
export class TrustError extends Error {
  override name = "TrustError";
}

/** Bodies larger than this are sent gzip-compressed (the console decodes them within its body limit). */
const GZIP_FROM = 1024;
const TIMEOUT_MS = 30_000;

export function normaliseFingerprint(f: string): string {
  const hex = f.replace(/[:\s]/g, "").toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) throw new TrustError(`not a SHA-256 fingerprint: ${f}`);
  return hex.match(/../g)?.join(":") ?? hex;
}

/**
 * HTTPS to the console: one keep-alive connection pool, Nagle off (a request's body would otherwise wait for
 * the delayed ACK of its headers: measured as half the throughput), JSON bodies gzip-compressed when large.
 * With a pinned fingerprint, each new connection is checked after the handshake and before a byte of the
 * request — the API key included — is written.
 */
export class ConsoleHttp {
  readonly base: URL;
  private readonly agent: https.Agent;

  constructor(url: string, trust: Trust) {
    // The API lives under /api/v1 of the console's URL (given with or without it).
    const root = url.replace(/\/+$/, "").replace(/\/api\/v1$/, "");
    try {
      this.base = new URL(`${root}/api/v1/`);
    } catch {
      throw new TrustError(`not a URL: ${url}`);
    }
    if (this.base.protocol !== "https:" && this.base.protocol !== "http:")
      throw new TrustError(
        `the console URL must be https:// (or http:// when the console runs with --insecure-http): ${url}`,
      );
    this.agent = agentFor(trust);
  }

  async call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    o: { token?: string; timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<Reply<T>> {
    const url = new URL(path.replace(/^\//, ""), this.base);
    let payload: Buffer | undefined;
    const headers: Record<string, string> = { accept: "application/json" };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (body !== undefined) {
      payload = Buffer.from(JSON.stringify(body));
      headers["content-type"] = "application/json";
      if (payload.length >= GZIP_FROM) {
        payload = gzipSync(payload);
        headers["content-encoding"] = "gzip";
      }
      headers["content-length"] = String(payload.length);
    }
    const transport = url.protocol === "https:" ? https : await import("node:http");
    return new Promise<Reply<T>>((resolve, reject) => {
      const req = transport.request(
        url,
        {
          method,
          headers,
          ...(url.protocol === "https:" ? { agent: this.agent } : {}),
          timeout: o.timeoutMs ?? TIMEOUT_MS,
          ...(o.signal ? { signal: o.signal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", (e) => reject(new UnreachableError(`${method} ${url.pathname}: ${e.message}`)));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // not JSON: kept as text
            }
            resolve({ status: res.statusCode ?? 0, body: parsed as T });
          });
        },
      );
      req.on("socket", (s: Socket) => s.setNoDelay(true));
      req.on("timeout", () => req.destroy(new Error("timed out")));
      req.on("error", (e) =>
        reject(e instanceof TrustError ? e : new UnreachableError(`${method} ${url.pathname}: ${e.message}`)),
      );
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function agentFor(trust: Trust): https.Agent {
  if (trust.kind === "system") return new https.Agent({ keepAlive: true, maxSockets: 4 });
  if (trust.kind === "ca") {
    let ca: Buffer;
    try {
      ca = readFileSync(trust.caFile);
    } catch (e) {
      throw new TrustError(`cannot read the console's CA file ${trust.caFile}: ${(e as Error).message}`);
    }
    return new https.Agent({ keepAlive: true, maxSockets: 4, ca });
  }
  const pin = normaliseFingerprint(trust.fingerprint256);
  const agent = new https.Agent({ keepAlive: true, maxSockets: 4 });
  // The certificate is self-signed, so no chain check can pass: the pin replaces it. The socket is handed to
  // the request only once the handshake is done and the certificate's fingerprint is the pinned one.
  (agent as unknown as { createConnection: unknown }).createConnection = (
    options: tls.ConnectionOptions,
    done: (err: Error | null, socket?: tls.TLSSocket) => void,
  ) => {
    const socket = tls.connect({ ...options, rejectUnauthorized: false });
    socket.once("secureConnect", () => {
      const seen = socket.getPeerCertificate().fingerprint256;
      if (seen !== pin) {
        socket.destroy();
        done(new TrustError(`the console's certificate ${seen} is not the pinned ${pin}`));
        return;
      }
      done(null, socket);
    });
    socket.once("error", (e) => done(e));
    return undefined;
  };
  return agent;
}
