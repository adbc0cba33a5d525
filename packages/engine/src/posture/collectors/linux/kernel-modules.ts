import type { Collector } from "../collector.js";
import { configLines, dropIns, hostSubject, readProc } from "./host.js";

/** Filesystems and protocols CIS wants unloadable (1.1.1.x, 3.2.x); "-" and "_" name the same module. */
export const WATCHED_MODULES = [
  "cramfs",
  "freevxfs",
  "hfs",
  "hfsplus",
  "jffs2",
  "squashfs",
  "udf",
  "usb_storage",
  "dccp",
  "sctp",
  "rds",
  "tipc",
];
/** `install <module> /bin/false` makes modprobe run a command that fails instead of loading the module. */
const DENY_COMMAND = /^(?:\/usr)?\/bin\/(?:false|true)$/;
const norm = (name: string) => name.replace(/-/g, "_");

export const kernelModulesCollector: Collector = {
  name: "kernelModules",
  platform: "linux",
  description:
    "For each watched kernel module: whether a kernel on disk ships it, whether modprobe.d blacklists it or installs it as /bin/false, and whether it is loaded (live host).",
  async collect(target) {
    const files = target.files;
    if (!files) return undefined;
    const blacklisted = new Set<string>();
    const disabled = new Set<string>();
    for (const { text } of await dropIns(files, ["/usr/lib/modprobe.d", "/lib/modprobe.d", "/etc/modprobe.d"]))
      for (const { line } of configLines(text)) {
        const [cmd, name, ...rest] = line.split(/\s+/);
        if (!name) continue;
        if (cmd === "blacklist") blacklisted.add(norm(name));
        if (cmd === "install" && rest[0] && DENY_COMMAND.test(rest[0])) disabled.add(norm(name));
      }
    // modules.dep of every installed kernel names each module file it ships.
    const available = new Set<string>();
    const kernels = (await files.list("/lib/modules")) ?? [];
    for (const k of kernels) {
      const dep = await files.read(`/lib/modules/${k}/modules.dep`, 32 * 1024 * 1024);
      for (const line of (dep ?? "").split("\n")) {
        const file = line.slice(0, line.indexOf(":")).split("/").pop() ?? "";
        const m = /^(.+?)\.ko(?:\.(?:xz|zst|gz))?$/.exec(file);
        if (m) available.add(norm(m[1] as string));
      }
    }
    const loadedText = await readProc(target, "modules");
    const loaded = new Set((loadedText ?? "").split("\n").map((l) => norm(l.split(" ")[0] ?? "")));
    const modules: Record<string, unknown> = {};
    for (const name of WATCHED_MODULES)
      modules[name] = {
        available: available.has(name),
        blacklisted: blacklisted.has(name),
        installDisabled: disabled.has(name),
        loaded: loaded.has(name),
      };
    return hostSubject({ kernels, modules });
  },
};
