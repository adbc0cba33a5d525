import { EngineApiError, engineGet } from "../../../source/engine/engine-get.js";
import type { DockerApi } from "../../target.js";

/** The read-only Docker Engine API the posture collectors need (Podman's Docker-compatible service answers the same paths). */

export interface DockerApiOptions {
  /** The whole exchange, connect to last byte. */
  timeoutMs?: number;
  /** The largest answer accepted; a bigger one is cut off and refused. */
  maxBytes?: number;
}

export const DOCKER_API_DEFAULTS = { timeoutMs: 10_000, maxBytes: 16 * 1024 * 1024 } as const;

/** Why a call failed: `status` for an HTTP answer other than 2xx, `code` for a socket error (ENOENT…). */
export { EngineApiError as DockerApiError };

/** A DockerApi over the engine socket at `socketPath` ("unix://" prefix accepted). */
export function dockerApi(socketPath: string, opts: DockerApiOptions = {}): DockerApi {
  const path = socketPath.replace(/^unix:\/\//, "");
  if (!path.startsWith("/"))
    throw new EngineApiError(`${socketPath}: only unix sockets (an absolute path) are supported`);
  const limits = {
    timeoutMs: opts.timeoutMs ?? DOCKER_API_DEFAULTS.timeoutMs,
    maxBytes: opts.maxBytes ?? DOCKER_API_DEFAULTS.maxBytes,
  };
  return {
    socketPath: path,
    async get(apiPath: string): Promise<unknown> {
      if (!apiPath.startsWith("/") || /[\s#]/.test(apiPath))
        throw new EngineApiError(`invalid API path ${JSON.stringify(apiPath)}`);
      return engineGet(path, apiPath, limits);
    },
  };
}
