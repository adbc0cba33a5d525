import type { FileView } from "../../file-view.js";
import type { Collector } from "../collector.js";
import { configLines, dropIns, hostSubject, readProc } from "./host.js";

/**
 * Debian 12 kernel defaults of the parameters controls read: what a root filesystem gets at boot for a key
 * no sysctl.d file sets. (net.ipv4.conf.default.accept_source_route is 1 in the kernel's devconf defaults.)
 */
export const KERNEL_DEFAULTS: Readonly<Record<string, string>> = {
  "net.ipv4.ip_forward": "0",
  "net.ipv6.conf.all.forwarding": "0",
  "net.ipv4.conf.all.send_redirects": "1",
  "net.ipv4.conf.default.send_redirects": "1",
  "net.ipv4.icmp_ignore_bogus_error_responses": "1",
  "net.ipv4.icmp_echo_ignore_broadcasts": "1",
  "net.ipv4.conf.all.accept_redirects": "1",
  "net.ipv4.conf.default.accept_redirects": "1",
  "net.ipv6.conf.all.accept_redirects": "1",
  "net.ipv6.conf.default.accept_redirects": "1",
  "net.ipv4.conf.all.secure_redirects": "1",
  "net.ipv4.conf.default.secure_redirects": "1",
  "net.ipv4.conf.all.rp_filter": "0",
  "net.ipv4.conf.default.rp_filter": "0",
  "net.ipv4.conf.all.accept_source_route": "0",
  "net.ipv4.conf.default.accept_source_route": "1",
  "net.ipv6.conf.all.accept_source_route": "0",
  "net.ipv6.conf.default.accept_source_route": "0",
  "net.ipv4.conf.all.log_martians": "0",
  "net.ipv4.conf.default.log_martians": "0",
  "net.ipv4.tcp_syncookies": "1",
  "net.ipv6.conf.all.accept_ra": "1",
  "net.ipv6.conf.default.accept_ra": "1",
  "kernel.randomize_va_space": "2",
  "kernel.yama.ptrace_scope": "1",
  "fs.suid_dumpable": "0",
  "kernel.dmesg_restrict": "1",
};

const DIRS = ["/usr/lib/sysctl.d", "/lib/sysctl.d", "/etc/sysctl.d"];

/** "net/ipv4/ip_forward" and "net.ipv4.ip_forward" name the same key (sysctl.d(5)). */
const normKey = (k: string) => k.trim().replace(/^-/, "").replace(/\//g, ".");

/** The parameters the sysctl.d files set, in systemd-sysctl's order (later wins), /etc/sysctl.conf last. */
export async function configuredSysctl(
  files: FileView,
): Promise<{ values: Record<string, string>; origins: Record<string, string> }> {
  const values: Record<string, string> = {};
  const origins: Record<string, string> = {};
  const sources = await dropIns(files, DIRS);
  const main = await files.read("/etc/sysctl.conf");
  // Debian links /etc/sysctl.d/99-sysctl.conf to ../sysctl.conf: read it once.
  if (main !== undefined && !sources.some((s) => s.path === "/etc/sysctl.d/99-sysctl.conf"))
    sources.push({ path: "/etc/sysctl.conf", text: main });
  for (const { path, text } of sources)
    for (const { line } of configLines(text.replace(/^\s*;.*$/gm, ""))) {
      const eq = line.indexOf("=");
      if (eq <= 0) continue;
      const key = normKey(line.slice(0, eq));
      values[key] = line
        .slice(eq + 1)
        .trim()
        .split(/\s+/)
        .join(" ");
      origins[key] = path;
    }
  return { values, origins };
}

export const sysctlCollector: Collector = {
  name: "sysctl",
  platform: "linux",
  description:
    "Kernel parameters: the running values on the live host, else what sysctl.d configures over the kernel defaults.",
  async collect(target) {
    const files = target.files;
    if (!files) return undefined;
    const configured = await configuredSysctl(files);
    const values: Record<string, string> = {};
    const origins: Record<string, string> = {};
    const keys = new Set([...Object.keys(KERNEL_DEFAULTS), ...Object.keys(configured.values)]);
    for (const key of [...keys].sort()) {
      if (target.live) {
        const v = await readProc(target, `sys/${key.replace(/\./g, "/")}`);
        values[key] = v === undefined ? "" : v.trim().split(/\s+/).join(" ");
        origins[key] = v === undefined ? "absent from /proc/sys" : "/proc/sys";
      } else if (key in configured.values) {
        values[key] = configured.values[key] as string;
        origins[key] = configured.origins[key] as string;
      } else {
        values[key] = KERNEL_DEFAULTS[key] as string;
        origins[key] = "kernel default";
      }
    }
    return hostSubject({
      source: target.live ? "runtime" : "configuration",
      values,
      origins,
      configured: configured.values,
    });
  },
};
