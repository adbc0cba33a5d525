import type { Collector } from "../collector.js";
import { configLines, hostSubject, readProc } from "./host.js";

/** The mount points CIS wants on their own filesystem (or, for /tmp and /dev/shm, a tmpfs). */
const WATCHED = ["/tmp", "/dev/shm", "/home", "/var", "/var/tmp", "/var/log", "/var/log/audit"];

export interface MountFacts {
  device: string;
  fstype: string;
  options: string[];
}

/** fstab and /proc/mounts escape spaces and tabs in paths as \040 and \011. */
const unescapeOctal = (s: string) =>
  s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(Number.parseInt(o, 8)));

/** fstab(5) / proc_mounts lines: device, mount point, type, options; later lines mount over earlier ones. */
export function parseMountTable(text: string): Record<string, MountFacts> {
  const out: Record<string, MountFacts> = {};
  for (const { line } of configLines(text)) {
    const [device, point, fstype, options] = line.split(/\s+/);
    if (!device || !point || !fstype || fstype === "swap" || point === "none") continue;
    out[unescapeOctal(point).replace(/(.)\/+$/, "$1")] = {
      device: unescapeOctal(device),
      fstype,
      options: (options ?? "defaults").split(","),
    };
  }
  return out;
}

export const mountsCollector: Collector = {
  name: "mounts",
  platform: "linux",
  description: "Mount points and their options: /proc/1/mounts on the live host, /etc/fstab for a root filesystem.",
  async collect(target) {
    const files = target.files;
    if (!files) return undefined;
    let source = "/etc/fstab";
    let text: string | undefined;
    if (target.live) {
      // PID 1's table is the host's even when the scanner runs in its own mount namespace.
      for (const rel of ["1/mounts", "mounts"]) {
        text = await readProc(target, rel);
        if (text !== undefined) {
          source = `/proc/${rel}`;
          break;
        }
      }
    }
    text ??= await files.read("/etc/fstab");
    const points = parseMountTable(text ?? "");
    // systemd mounts /dev/shm itself (tmpfs, nosuid,nodev) when fstab does not: what a booted rootfs gets.
    if (!target.live && !points["/dev/shm"])
      points["/dev/shm"] = { device: "tmpfs", fstype: "tmpfs", options: ["rw", "nosuid", "nodev", "systemd-default"] };
    const separate: Record<string, boolean> = {};
    for (const p of WATCHED) separate[p] = p in points;
    return hostSubject(
      { source, exists: text !== undefined, points, separate },
      target.live ? undefined : "/etc/fstab",
    );
  },
};
