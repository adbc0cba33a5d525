import type { Collector } from "../collector.js";
import { hostSubject, installedPackages, kernelCmdline } from "./host.js";

export const apparmorCollector: Collector = {
  name: "apparmor",
  platform: "linux",
  description:
    "AppArmor: installed, enabled on the kernel command line, and its profiles' modes (loaded profiles on the live host, /etc/apparmor.d otherwise).",
  async collect(target) {
    const files = target.files;
    if (!files) return undefined;
    const pkgs = await installedPackages(target);
    const cmdline = await kernelCmdline(target);
    const enforce: string[] = [];
    const complain: string[] = [];
    const loaded = target.live ? await files.read("/sys/kernel/security/apparmor/profiles") : undefined;
    if (loaded !== undefined) {
      for (const line of loaded.split("\n")) {
        const m = /^(.+) \((\w+)\)$/.exec(line.trim());
        if (m) (m[2] === "enforce" ? enforce : complain).push(m[1] as string);
      }
    } else {
      for (const f of await files.readDir("/etc/apparmor.d")) {
        const flags = /^\s*(?:profile\s+)?\S+\s+flags=\(([^)]*)\)/m.exec(f.text)?.[1] ?? "";
        if (!/^\s*(?:profile\s+)?\S+.*\{\s*$/m.test(f.text)) continue; // not a profile (tunables, abstractions)
        (/\b(?:complain|unconfined)\b/.test(flags) ? complain : enforce).push(f.path);
      }
    }
    return hostSubject({
      installed: "apparmor" in pkgs,
      utilsInstalled: "apparmor-utils" in pkgs,
      bootEnabled: cmdline.words.includes("apparmor=1") && cmdline.words.includes("security=apparmor"),
      cmdlineSource: cmdline.source,
      profilesSource: loaded !== undefined ? "/sys/kernel/security/apparmor/profiles" : "/etc/apparmor.d",
      enforce,
      complain,
    });
  },
};
