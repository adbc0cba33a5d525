import type { Collector } from "../collector.js";
import { configLines, hostSubject, installedPackages, systemdUnits } from "./host.js";

const AUDIT_TOOLS = ["auditctl", "auditd", "ausearch", "aureport", "autrace", "augenrules"];
const CRON_DIRS = ["/etc/cron.d", "/etc/cron.daily", "/etc/cron.hourly", "/etc/cron.weekly", "/etc/cron.monthly"];

export const integrityCollector: Collector = {
  name: "integrity",
  platform: "linux",
  description:
    "File integrity checking with AIDE: installed, run on a schedule (systemd timer or cron), and whether its rules cover the audit tools.",
  async collect(target) {
    const files = target.files;
    if (!files) return undefined;
    const pkgs = await installedPackages(target);
    const units = (await systemdUnits(target)).enabled;
    const cronTexts = [(await files.read("/etc/crontab")) ?? ""];
    for (const dir of CRON_DIRS) for (const f of await files.readDir(dir)) cronTexts.push(f.text);
    const cronRuns = cronTexts.some((t) =>
      configLines(t).some((l) => /\baide(?:\.wrapper)?\b|dailyaidecheck/.test(l.line)),
    );
    const confs = [
      (await files.read("/etc/aide/aide.conf")) ?? "",
      ...(await files.readDir("/etc/aide/aide.conf.d")).map((f) => f.text),
    ];
    const ruled = new Set(
      confs
        .flatMap((t) => configLines(t).map((l) => l.line.split(/\s+/)[0] ?? ""))
        .map((p) => p.replace(/^\/usr/, "").replace(/^=/, "")),
    );
    const unprotected = AUDIT_TOOLS.filter((t) => !ruled.has(`/sbin/${t}`));
    return hostSubject({
      installed: "aide" in pkgs,
      scheduled: units.includes("dailyaidecheck.timer") || units.includes("aidecheck.timer") || cronRuns,
      unprotectedAuditTools: unprotected,
    });
  },
};
