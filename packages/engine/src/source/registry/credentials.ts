import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { DOCKER_HUB } from "./reference.js";

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

interface AuthFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string }>;
}

/**
 * The files `docker login` / `podman login` write, in the order the tools read them: $REGISTRY_AUTH_FILE,
 * podman's $XDG_RUNTIME_DIR/containers/auth.json, then $DOCKER_CONFIG/config.json (~/.docker/config.json).
 */
export function authFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const files: string[] = [];
  if (env.REGISTRY_AUTH_FILE) files.push(env.REGISTRY_AUTH_FILE);
  if (env.XDG_RUNTIME_DIR) files.push(join(env.XDG_RUNTIME_DIR, "containers", "auth.json"));
  files.push(join(env.DOCKER_CONFIG ?? join(homedir(), ".docker"), "config.json"));
  return files;
}

/** "https://index.docker.io/v1/" → "docker.io"; "http://host:5000/x" → "host:5000". */
function registryOfKey(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//i, "").split("/")[0] ?? "";
  return host === "index.docker.io" || host === "registry-1.docker.io" ? DOCKER_HUB : host;
}

/**
 * Stored credentials for a registry from the "auths" map of the login files (base64 "user:password" in
 * `auth`, or `username`/`password`). Credential helpers (credsStore, credHelpers) and identity tokens are
 * not read. A missing or unreadable file just means no stored credentials.
 */
export async function storedCredentials(
  registry: string,
  files: string[] = authFiles(),
): Promise<Credentials | undefined> {
  for (const file of files) {
    let parsed: AuthFile;
    try {
      parsed = JSON.parse(await readFile(file, "utf8")) as AuthFile;
    } catch {
      continue;
    }
    if (!parsed || typeof parsed !== "object" || !parsed.auths || typeof parsed.auths !== "object") continue;
    for (const [key, entry] of Object.entries(parsed.auths)) {
      if (registryOfKey(key) !== registry || !entry || typeof entry !== "object") continue;
      if (typeof entry.auth === "string" && entry.auth) {
        const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
        const colon = decoded.indexOf(":");
        if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
      }
      if (typeof entry.username === "string" && typeof entry.password === "string")
        return { username: entry.username, password: entry.password };
    }
  }
  return undefined;
}
