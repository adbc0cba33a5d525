import type { Collector } from "../collector.js";
import { type FileFacts, hostSubject, installedPackages, runningProcesses, statFacts, systemdUnits } from "./host.js";

const PATHS = [
  "/etc/crontab",
  "/etc/cron.hourly",
  "/etc/cron.daily",
  "/etc/cron.weekly",
  "/etc/cron.monthly",
  "/etc/cron.d",
  "/etc/cron.allow",
  "/etc/cron.deny",
  "/etc/at.allow",
  "/etc/at.deny",
];

export const cronCollector: Collector = {
  name: "cron",
  platform: "linux",
  description:
    "The cron and at schedulers: installed, enabled, running, and the modes of crontab, the cron directories and the allow/deny files.",
  async collect(target) {
    const files = target.files;
    if (!files) return undefined;
    const pkgs = await installedPackages(target);
    const units = await systemdUnits(target);
    const paths: Record<string, FileFacts> = {};
    for (const p of PATHS) paths[p] = await statFacts(files, p);
    return hostSubject({
      installed: "cron" in pkgs || "cronie" in pkgs,
      enabled: units.enabled.includes("cron.service") || units.enabled.includes("crond.service"),
      running: (await runningProcesses(target)).some((p) => p === "cron" || p === "crond"),
      atInstalled: "at" in pkgs,
      paths,
    });
  },
};
