import type { Collector } from "../collector.js";
import {
  configLines,
  dropIns,
  hostSubject,
  installedPackages,
  parseIni,
  parseShellVars,
  runningProcesses,
  systemdUnits,
} from "./host.js";

export const timesyncCollector: Collector = {
  name: "timesync",
  platform: "linux",
  description:
    "Time synchronisation: chrony, systemd-timesyncd and ntp — installed, enabled or running, the user chronyd runs as and the time sources configured.",
  async collect(target) {
    const files = target.files;
    if (!files) return undefined;
    const pkgs = await installedPackages(target);
    const units = (await systemdUnits(target)).enabled;
    const procs = await runningProcesses(target);
    const chronyTexts = [(await files.read("/etc/chrony/chrony.conf")) ?? ""];
    for (const d of ["/etc/chrony/conf.d", "/etc/chrony/sources.d"])
      for (const f of await files.readDir(d)) chronyTexts.push(f.text);
    const chronyLines = chronyTexts.flatMap((t) => configLines(t).map((l) => l.line.split(/\s+/)));
    const opts = parseShellVars((await files.read("/etc/default/chrony")) ?? "").DAEMON_OPTS ?? "";
    const chronyUser =
      /(?:^|\s)-u\s+(\S+)/.exec(opts)?.[1] ?? chronyLines.find((w) => w[0] === "user")?.[1] ?? "_chrony";
    const tconf: Record<string, string> = {};
    parseIni((await files.read("/etc/systemd/timesyncd.conf")) ?? "", tconf);
    for (const d of await dropIns(files, ["/usr/lib/systemd/timesyncd.conf.d", "/etc/systemd/timesyncd.conf.d"]))
      parseIni(d.text, tconf);
    const chrony = {
      installed: "chrony" in pkgs,
      enabled: units.includes("chrony.service") || units.includes("chronyd.service"),
      running: procs.includes("chronyd"),
      user: chronyUser,
      sources: chronyLines
        .filter((w) => ["server", "pool", "peer"].includes(w[0] ?? ""))
        .map((w) => w.slice(0, 2).join(" ")),
    };
    const timesyncd = {
      installed: "systemd-timesyncd" in pkgs,
      enabled: units.includes("systemd-timesyncd.service"),
      running: procs.includes("systemd-timesyn"),
      servers: [...(tconf["time.ntp"] ?? "").split(/\s+/), ...(tconf["time.fallbackntp"] ?? "").split(/\s+/)].filter(
        Boolean,
      ),
    };
    const ntp = {
      installed: "ntp" in pkgs || "ntpsec" in pkgs,
      enabled: units.includes("ntp.service") || units.includes("ntpsec.service"),
      running: procs.includes("ntpd"),
    };
    const all = { chrony, timesyncd, ntp };
    return hostSubject({
      ...all,
      active: Object.entries(all)
        .filter(([, d]) => d.installed && (d.enabled || d.running))
        .map(([n]) => n),
    });
  },
};
