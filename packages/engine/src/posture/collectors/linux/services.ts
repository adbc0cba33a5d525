import type { Collector } from "../collector.js";
import { hostSubject, installedPackages, runningProcesses, systemdUnits } from "./host.js";

export const servicesCollector: Collector = {
  name: "services",
  platform: "linux",
  description:
    "Installed Debian packages (name → version), systemd units enabled or masked in /etc/systemd/system, and on the live host the running process names.",
  async collect(target) {
    const files = target.files;
    if (!files) return undefined;
    const units = await systemdUnits(target);
    return hostSubject(
      {
        packages: await installedPackages(target),
        enabled: units.enabled,
        masked: units.masked,
        running: await runningProcesses(target),
        live: target.live !== undefined,
      },
      "/var/lib/dpkg/status",
    );
  },
};
