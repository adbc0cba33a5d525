import { join } from "node:path";
import { SourceError } from "../entry.js";

export type EngineKind = "docker" | "podman";

/**
 * The API socket of a container engine: the explicit option, then $DOCKER_HOST (docker) or $CONTAINER_HOST
 * (podman) when they name a unix socket, then the engine's default path (rootless podman: under
 * $XDG_RUNTIME_DIR). TCP and SSH engine hosts are not supported: they are refused with a clear message.
 */
export function engineSocket(
  engine: EngineKind,
  explicit: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  uid: number | undefined = process.getuid?.(),
): string {
  if (explicit) return explicit.replace(/^unix:\/\//, "");
  const variable = engine === "docker" ? "DOCKER_HOST" : "CONTAINER_HOST";
  const host = env[variable];
  if (host) {
    if (host.startsWith("unix://")) return host.slice("unix://".length);
    if (host.startsWith("/")) return host;
    throw new SourceError(`${variable}=${host}: only unix:// engine sockets are supported`);
  }
  if (engine === "docker") return "/var/run/docker.sock";
  if (uid !== 0 && env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, "podman", "podman.sock");
  return "/run/podman/podman.sock";
}
