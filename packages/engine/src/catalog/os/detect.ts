import type { Distro } from "../../package/distro.js";

/** Files the layer pass keeps whole so the OS can be detected after layers are merged. */
export const OS_FILES: readonly string[] = ["/etc/os-release", "/usr/lib/os-release"];

/**
 * Detects the distro from the merged view's files. `read` follows symlinks inside the root and returns
 * undefined for a file that does not exist.
 */
export function detectDistro(read: (path: string) => string | undefined): Distro | undefined {
  const text = read("/etc/os-release") ?? read("/usr/lib/os-release");
  if (!text) return undefined;
  const fields = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m?.[1]) fields.set(m[1], (m[2] ?? "").replace(/^["']|["']$/g, ""));
  }
  const id = fields.get("ID");
  return id ? { id, ...(fields.get("VERSION_ID") ? { versionId: fields.get("VERSION_ID") as string } : {}) } : undefined;
}
