import type { Collector } from "../collector.js";
import { configLines, dropIns, hostSubject, installedPackages, parseIni } from "./host.js";

export const coredumpCollector: Collector = {
  name: "coredump",
  platform: "linux",
  description:
    "Core dump restrictions: the hard core limit for all users (limits.conf, limits.d) and systemd-coredump's Storage and ProcessSizeMax.",
  async collect(target) {
    const files = target.files;
    if (!files) return undefined;
    const pkgs = await installedPackages(target);
    let hardCore = "";
    const limits = [{ path: "/etc/security/limits.conf", text: (await files.read("/etc/security/limits.conf")) ?? "" }];
    limits.push(...(await files.readDir("/etc/security/limits.d", (n) => n.endsWith(".conf"))));
    for (const { text } of limits)
      for (const { line } of configLines(text)) {
        const [domain, type, item, value] = line.split(/\s+/);
        if (domain === "*" && (type === "hard" || type === "-") && item === "core" && value !== undefined)
          hardCore = value;
      }
    const conf: Record<string, string> = {};
    parseIni((await files.read("/etc/systemd/coredump.conf")) ?? "", conf);
    for (const d of await dropIns(files, ["/usr/lib/systemd/coredump.conf.d", "/etc/systemd/coredump.conf.d"]))
      parseIni(d.text, conf);
    return hostSubject({
      hardCoreLimit: hardCore,
      systemdCoredump: {
        installed: "systemd-coredump" in pkgs,
        storage: (conf["coredump.storage"] ?? "external").toLowerCase(),
        processSizeMax: (conf["coredump.processsizemax"] ?? "32G").toLowerCase(),
      },
    });
  },
};
