import * as http from "node:http";

/**
 * A minimal GET-JSON client for the Docker Engine API (which Podman's compat service also speaks) over a unix
 * socket, with node:http: the sensor's container discovery and the posture collectors use it. Hand-written
 * rather than a Docker client library: a few read-only GETs, and the sensor must stay light. Every call is
 * bounded in time (one deadline for the whole exchange, not an idle timeout a slow trickle could keep alive)
 * and in size.
 */

export interface EngineGetOptions {
  /** The whole exchange, connect to last byte. */
  timeoutMs?: number;
  /** The largest body accepted; a bigger answer is cut off and refused. */
  maxBytes?: number;
  signal?: AbortSignal;
}

export const ENGINE_DEFAULTS = { timeoutMs: 5_000, maxBytes: 32 * 1024 * 1024 } as const;

/** Why a call failed: `status` for an HTTP answer other than 2xx, `code` for a socket error (ENOENT…). */
export class EngineApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = "EngineApiError";
  }
}

/** GET `path` on the engine at `socketPath` and parse the JSON answer; throws EngineApiError. */
export async function engineGet<T = unknown>(
  socketPath: string,
  path: string,
  opts: EngineGetOptions = {},
): Promise<T> {
  const { body } = await engineRequest(socketPath, path, opts);
  const text = body.toString("utf8");
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new EngineApiError(
      `GET ${path} on ${socketPath}: the answer is not JSON (${JSON.stringify(text.slice(0, 80))})`,
    );
  }
}

/**
 * GET /_ping: resolves with the engine's Server header ("Docker/24.0.7 (linux)", "Libpod/4.9.3 (linux)").
 * Not /version: Podman runs its OCI runtime and conmon to answer that one (over half a second).
 */
export async function enginePing(socketPath: string, opts: EngineGetOptions = {}): Promise<string> {
  const { headers, body } = await engineRequest(socketPath, "/_ping", opts);
  if (body.toString("utf8").trim() !== "OK")
    throw new EngineApiError(`GET /_ping on ${socketPath}: not a container engine (no OK)`);
  const server = headers.server;
  return typeof server === "string" && server ? server.slice(0, 100) : "engine";
}

/** One GET; a status other than 2xx is an EngineApiError with the engine's message. */
async function engineRequest(
  socketPath: string,
  path: string,
  opts: EngineGetOptions = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const answer = await request(socketPath, path, opts);
  if (answer.status < 200 || answer.status > 299)
    throw new EngineApiError(
      `GET ${path} on ${socketPath}: HTTP ${answer.status}${engineMessage(answer.body.toString("utf8"))}`,
      answer.status,
    );
  return answer;
}

function request(
  socketPath: string,
  path: string,
  opts: EngineGetOptions,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const timeoutMs = opts.timeoutMs ?? ENGINE_DEFAULTS.timeoutMs;
  const maxBytes = opts.maxBytes ?? ENGINE_DEFAULTS.maxBytes;
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      opts.signal?.removeEventListener("abort", onAbort);
      req.destroy();
      reject(e);
    };
    const req = http.request(
      // No keep-alive pool: a pass makes a few calls, and an idle socket to the engine would outlive it.
      { socketPath, path, method: "GET", agent: false, headers: { host: "localhost", accept: "application/json" } },
      (res) => {
        const parts: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) fail(new EngineApiError(`GET ${path} on ${socketPath}: answer over ${maxBytes} bytes`));
          else parts.push(chunk);
        });
        res.on("error", (e) => fail(describe(socketPath, path, e)));
        // A connection closed before the end of the body (the engine died mid-answer).
        res.on("close", () => fail(new EngineApiError(`GET ${path} on ${socketPath}: the answer was cut short`)));
        res.on("end", () => {
          if (settled) return;
          settled = true;
          clearTimeout(deadline);
          opts.signal?.removeEventListener("abort", onAbort);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) });
        });
      },
    );
    const deadline = setTimeout(
      () =>
        fail(
          new EngineApiError(`GET ${path} on ${socketPath}: no answer within ${timeoutMs} ms`, undefined, "ETIMEDOUT"),
        ),
      timeoutMs,
    );
    const onAbort = () => fail(new EngineApiError(`GET ${path} on ${socketPath}: aborted`, undefined, "ABORT_ERR"));
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    req.on("error", (e) => fail(describe(socketPath, path, e)));
    req.end();
  });
}

function describe(socketPath: string, path: string, e: Error & { code?: string }): EngineApiError {
  if (e instanceof EngineApiError) return e;
  switch (e.code) {
    case "ENOENT":
      return new EngineApiError(`no engine socket at ${socketPath}`, undefined, e.code);
    case "ECONNREFUSED":
      return new EngineApiError(`nothing listens on ${socketPath}`, undefined, e.code);
    case "EACCES":
    case "EPERM":
      return new EngineApiError(`permission denied on ${socketPath}`, undefined, e.code);
    default:
      return new EngineApiError(`GET ${path} on ${socketPath} failed: ${e.message}`, undefined, e.code);
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
