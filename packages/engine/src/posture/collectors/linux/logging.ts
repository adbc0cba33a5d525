import { posix } from "node:path";
import type { FileView } from "../../file-view.js";
import type { Collector } from "../collector.js";
import {
  configLines,
  dropIns,
  type FileFacts,
  fileFacts,
  hostSubject,
  installedPackages,
  parseIni,
  systemdUnits,
} from "./host.js";

const MAX_LOG_FILES = 5000;

/** rsyslog.conf and its /etc/rsyslog.d/*.conf, comments removed. */
async function rsyslogText(files: FileView): Promise<string> {
  const parts = [(await files.read("/etc/rsyslog.conf")) ?? ""];
  for (const d of await files.readDir("/etc/rsyslog.d", (n) => n.endsWith(".conf"))) parts.push(d.text);
  return parts
    .map((t) =>
      configLines(t)
        .map((l) => l.line)
        .join("\n"),
    )
    .join("\n");
}

/** Regular files below /var/log (depth first, bounded): the logs whose modes CIS 6.1.4.1 checks. */
async function logFiles(files: FileView): Promise<FileFacts[]> {
  const out: FileFacts[] = [];
  const stack = ["/var/log"];
  while (stack.length > 0 && out.length < MAX_LOG_FILES) {
    const dir = stack.pop() as string;
    for (const name of (await files.list(dir)) ?? []) {
      const path = posix.join(dir, name);
      const m = await files.stat(path);
      if (m?.kind === "dir" && path !== "/var/log/journal") stack.push(path);
      else if (m?.kind === "file" && out.length < MAX_LOG_FILES) out.push(fileFacts(path, m));
    }
  }
  return out;
}

export const loggingCollector: Collector = {
  name: "logging",
  platform: "linux",
  description: "systemd-journald and rsyslog configuration, journal-remote, and the modes of the files under /var/log.",
  async collect(target) {
    const files = target.files;
    if (!files) return undefined;
    const pkgs = await installedPackages(target);
    const units = await systemdUnits(target);
    const jconf: Record<string, string> = {};
    parseIni((await files.read("/etc/systemd/journald.conf")) ?? "", jconf);
    for (const d of await dropIns(files, ["/usr/lib/systemd/journald.conf.d", "/etc/systemd/journald.conf.d"]))
      parseIni(d.text, jconf);
    const rs = await rsyslogText(files);
    const mode =
      /^\s*\$FileCreateMode\s+(\d+)/im.exec(rs)?.[1] ?? /fileCreateMode\s*=\s*"(\d+)"/i.exec(rs)?.[1] ?? "0644";
    return hostSubject({
      journald: {
        installed: "systemd" in pkgs,
        masked: units.masked.includes("systemd-journald.service"),
        storage: (jconf["journal.storage"] ?? "auto").toLowerCase(),
        compress: (jconf["journal.compress"] ?? "yes").toLowerCase(),
        forwardToSyslog: (jconf["journal.forwardtosyslog"] ?? "no").toLowerCase(),
        persistentDirectory: (await files.stat("/var/log/journal"))?.kind === "dir",
      },
      rsyslog: {
        installed: "rsyslog" in pkgs,
        enabled: units.enabled.includes("rsyslog.service") || units.enabled.includes("syslog.service"),
        fileCreateMode: Number.parseInt(mode, 8),
        receivesRemote: /\b(?:imtcp|imudp|imrelp)\b|\$(?:InputTCPServerRun|UDPServerRun)/i.test(rs),
      },
      journalRemote: {
        installed: "systemd-journal-remote" in pkgs,
        listening:
          units.enabled.includes("systemd-journal-remote.socket") ||
          units.enabled.includes("systemd-journal-remote.service"),
      },
      logFiles: await logFiles(files),
    });
  },
};
