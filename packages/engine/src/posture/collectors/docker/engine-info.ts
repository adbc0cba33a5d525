import type { DockerApi } from "../../target.js";
import { bool, type Json, obj, str, strs } from "./json.js";

export type EngineKind = "docker" | "podman" | "unknown";

/** What the engine tells about itself (GET /info). */
export interface EngineInfo {
  kind: EngineKind;
  version: string;
  /** The raw /info answer. */
  info: Json;
  /** "name=seccomp,profile=default" → seccomp → { name: "seccomp", profile: "default" }. */
  securityOptions: Map<string, Map<string, string>>;
}

/**
 * GET /info; rejects when the engine does not answer. Not /version: Podman runs its OCI runtime and conmon to
 * answer that one (over half a second), and /info tells the engines apart as well.
 */
export async function engineInfo(api: DockerApi): Promise<EngineInfo> {
  const info = obj(await api.get("/info"));
  return { kind: kindOf(info), version: str(info.ServerVersion), info, securityOptions: securityOptions(info) };
}

/** Podman's compat /info adds fields Docker's does not have (BuildahVersion, Rootless). */
function kindOf(info: Json): EngineKind {
  if ("BuildahVersion" in info || "Rootless" in info) return "podman";
  return str(info.ServerVersion) ? "docker" : "unknown";
}

function securityOptions(info: Json): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const opt of strs(info.SecurityOptions)) {
    const fields = new Map(
      opt.split(",").map((kv) => {
        const i = kv.indexOf("=");
        return i < 0 ? [kv, ""] : [kv.slice(0, i), kv.slice(i + 1)];
      }),
    );
    const name = fields.get("name");
    if (name) out.set(name, fields);
  }
  // Podman's compat /info reports rootless mode as a field, Docker's as a security option.
  if (bool(info.Rootless) && !out.has("rootless")) out.set("rootless", new Map([["name", "rootless"]]));
  return out;
}

/** The seccomp profile the engine applies by default: "default" (Docker's "builtin" too), a path, or "" when off. */
export function engineSeccompProfile(e: EngineInfo): string {
  const seccomp = e.securityOptions.get("seccomp");
  if (!seccomp) return "";
  const profile = seccomp.get("profile") ?? "default";
  return profile === "builtin" ? "default" : profile;
}
