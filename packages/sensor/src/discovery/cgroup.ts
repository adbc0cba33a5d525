/**
 * The id of the container a process runs in, from its /proc/PID/cgroup. Each line is
 * "hierarchy-id:controllers:path" (cgroup v1: one line per hierarchy; v2: the single "0::path"). Container
 * runtimes name the cgroup after the 64-hex container id, in one of two shapes:
 *
 *   cgroupfs driver:  /docker/<id>   /kubepods/burstable/pod<uid>/<id>   /libpod_parent/libpod-<id>
 *   systemd driver:   /system.slice/docker-<id>.scope   /machine.slice/libpod-<id>.scope[/container]
 *                     /kubepods.slice/…/cri-containerd-<id>.scope   …/crio-<id>.scope
 *
 * so a path segment that is the id, optionally behind a "<runtime>-" prefix and before ".scope", names the
 * container; the deepest such segment wins (nested cgroups inside a container). The runtimes' monitor
 * processes (podman's "libpod-conmon-<id>", CRI-O's "crio-conmon-<id>") sit next to the container, not in it,
 * and are left out. A process whose cgroup namespace hides the path (it shows "/") gives no id.
 */
const SEGMENT = /^(?:([a-z][a-z0-9_-]*)-)?([0-9a-f]{64})(?:\.scope)?$/;

export function containerIdFromCgroup(content: string): string | undefined {
  for (const line of content.split("\n")) {
    const first = line.indexOf(":");
    const second = first < 0 ? -1 : line.indexOf(":", first + 1);
    if (second < 0) continue;
    const id = containerIdFromPath(line.slice(second + 1));
    if (id) return id;
  }
  return undefined;
}

/** The container id named by one cgroup path, or undefined. */
export function containerIdFromPath(path: string): string | undefined {
  const segments = path.split("/");
  for (let i = segments.length - 1; i >= 0; i--) {
    const m = SEGMENT.exec(segments[i] as string);
    if (!m) continue;
    if (m[1]?.endsWith("conmon")) return undefined;
    return m[2];
  }
  return undefined;
}
