import * as http from "node:http";
import type { DockerApi } from "../../target.js";

/**
 * The read-only Docker Engine API the posture collectors need (Podman's Docker-compatible service answers the
 * same paths), over a unix socket with node:http. Hand-written rather than a Docker client library: a few
 * GETs of JSON, each bounded by one deadline for the whole exchange (not an idle timeout a slow trickle could
 * keep alive) and by the size of the answer.
 */

export interface DockerApiOptions {
  /** The whole exchange, connect to last byte. */
  timeoutMs?: number;
  /** The largest answer accepted; a bigger one is cut off and refused. */
  maxBytes?: number;
}

export const DOCKER_API_DEFAULTS = { timeoutMs: 10_000, maxBytes: 16 * 1024 * 1024 } as const;

/** Why a call failed: `status` for an HTTP answer other than 2xx, `code` for a socket error (ENOENT…). */
export class DockerApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = "DockerApiError";
  }
}

/** A DockerApi over the engine socket at `socketPath` ("unix://" prefix accepted). */
export function dockerApi(socketPath: string, opts: DockerApiOptions = {}): DockerApi {
  const path = socketPath.replace(/^unix:\/\//, "");
  if (!path.startsWith("/"))
    throw new DockerApiError(`${socketPath}: only unix sockets (an absolute path) are supported`);
  const timeoutMs = opts.timeoutMs ?? DOCKER_API_DEFAULTS.timeoutMs;
  const maxBytes = opts.maxBytes ?? DOCKER_API_DEFAULTS.maxBytes;
  return {
    socketPath: path,
    async get(apiPath: string): Promise<unknown> {
      if (!apiPath.startsWith("/") || /[\s#]/.test(apiPath))
        throw new DockerApiError(`invalid API path ${JSON.stringify(apiPath)}`);
      const { status, body } = await request(path, apiPath, timeoutMs, maxBytes);
      const text = body.toString("utf8");
      if (status < 200 || status > 299)
        throw new DockerApiError(`GET ${apiPath} on ${path}: HTTP ${status}${engineMessage(text)}`, status);
      try {
        return JSON.parse(text);
      } catch {
        throw new DockerApiError(
          `GET ${apiPath} on ${path}: the answer is not JSON (${JSON.stringify(text.slice(0, 80))})`,
        );
      }
    },
  };
}

function request(
  socketPath: string,
  path: string,
  timeoutMs: number,
  maxBytes: number,
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      req.destroy();
      reject(e);
    };
    const req = http.request(
      // No keep-alive pool: a scan makes a few calls, and an idle socket to the engine would outlive it.
      { socketPath, path, method: "GET", agent: false, headers: { host: "localhost", accept: "application/json" } },
      (res) => {
        const parts: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) fail(new DockerApiError(`GET ${path} on ${socketPath}: answer over ${maxBytes} bytes`));
          else parts.push(chunk);
        });
        res.on("error", (e) => fail(describe(socketPath, path, e)));
        // Closed before the end of the body (the engine died mid-answer); a no-op once settled.
        res.on("close", () => fail(new DockerApiError(`GET ${path} on ${socketPath}: the answer was cut short`)));
        res.on("end", () => {
          if (settled) return;
          settled = true;
          clearTimeout(deadline);
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts) });
        });
      },
    );
    const deadline = setTimeout(
      () =>
        fail(
          new DockerApiError(`GET ${path} on ${socketPath}: no answer within ${timeoutMs} ms`, undefined, "ETIMEDOUT"),
        ),
      timeoutMs,
    );
    req.on("error", (e) => fail(describe(socketPath, path, e)));
    req.end();
  });
}

function describe(socketPath: string, path: string, e: Error & { code?: string }): DockerApiError {
  if (e instanceof DockerApiError) return e;
  switch (e.code) {
    case "ENOENT":
      return new DockerApiError(`no engine socket at ${socketPath}`, undefined, e.code);
    case "ECONNREFUSED":
      return new DockerApiError(`nothing listens on ${socketPath}`, undefined, e.code);
    case "EACCES":
    case "EPERM":
      return new DockerApiError(`permission denied on ${socketPath}`, undefined, e.code);
    default:
      return new DockerApiError(`GET ${path} on ${socketPath} failed: ${e.message}`, undefined, e.code);
  }
}

/** The engine's {"message": "..."} error body as ": message". */
function engineMessage(text: string): string {
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof message === "string" && message) return `: ${message.slice(0, 300)}`;
  } catch {}
  const short = text.slice(0, 200).trim();
  return short ? `: ${short}` : "";
}
