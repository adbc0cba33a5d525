import { posix } from "node:path";
import type { FileView } from "../../file-view.js";
import type { Collector } from "../collector.js";
import {
  type FileFacts,
  hostSubject,
  installedPackages,
  kernelCmdline,
  parseKeyValues,
  runningProcesses,
  statFacts,
  systemdUnits,
} from "./host.js";

export interface AuditWatch {
  path: string;
  perms: string;
  key: string;
}
export interface AuditSyscallRule {
  action: string;
  arch: string;
  syscalls: string[];
  /** -F fields other than arch, as written: "auid>=1000", "exit=-EACCES". */
  fields: string[];
  key: string;
}

/** auditd.conf(5) defaults for the keys controls read. */
const CONF_DEFAULTS: Record<string, string> = {
  log_file: "/var/log/audit/audit.log",
  max_log_file: "8",
  max_log_file_action: "rotate",
  space_left_action: "syslog",
  admin_space_left_action: "suspend",
  disk_full_action: "suspend",
  disk_error_action: "suspend",
  action_mail_acct: "root",
};
const TOOLS = ["auditctl", "aureport", "ausearch", "autrace", "auditd", "augenrules"];

/**
 * auditctl(8) rule lines: "-w path -p perms -k key" watches, "-a always,exit -F arch=b64 -S a,b -F … -k key"
 * syscall rules (a "-F path=" or "-F dir=" rule is a watch too), "-e 2" (immutable), "-b N" (backlog).
 */
export function parseAuditRules(text: string) {
  const watches: AuditWatch[] = [];
  const syscalls: AuditSyscallRule[] = [];
  let immutable = false;
  let backlog = -1;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    if (!line) continue;
    const t = line.split(/\s+/);
    const opt = (flag: string) =>
      t.flatMap((x, i) => (x === flag && t[i + 1] !== undefined ? [t[i + 1] as string] : []));
    const key =
      opt("-k")[0] ??
      opt("-F")
        .find((f) => f.startsWith("key="))
        ?.slice(4) ??
      "";
    if (t[0] === "-e") immutable = t[1] === "2";
    else if (t[0] === "-b") backlog = Number(t[1]);
    else if (t[0] === "-w") watches.push({ path: opt("-w")[0] as string, perms: opt("-p")[0] ?? "rwxa", key });
    else if (t[0] === "-a" || t[0] === "-A") {
      const fields = [...opt("-F"), ...opt("-C")].filter((f) => !f.startsWith("key="));
      const path = fields.find((f) => f.startsWith("path=") || f.startsWith("dir="));
      const perm = fields.find((f) => f.startsWith("perm="));
      if (path && opt("-S").length === 0)
        watches.push({ path: path.slice(path.indexOf("=") + 1), perms: perm?.slice(5) ?? "rwxa", key });
      syscalls.push({
        action: (t[1] ?? "").split(",").sort().join(","),
        arch: fields.find((f) => f.startsWith("arch="))?.slice(5) ?? "",
        syscalls: opt("-S").flatMap((s) => s.split(",")),
        fields: fields.filter((f) => !f.startsWith("arch=")),
        key,
      });
    }
  }
  return { watches, syscalls, immutable, backlog };
}

/** The rules augenrules loads at boot: rules.d/*.rules in name order, else the compiled audit.rules. */
async function ruleText(files: FileView): Promise<{ source: string; text: string }> {
  const parts = await files.readDir("/etc/audit/rules.d", (n) => n.endsWith(".rules"));
  if (parts.length > 0) return { source: "/etc/audit/rules.d", text: parts.map((p) => p.text).join("\n") };
  return { source: "/etc/audit/audit.rules", text: (await files.read("/etc/audit/audit.rules")) ?? "" };
}

export const auditdCollector: Collector = {
  name: "auditd",
  platform: "linux",
  description:
    "The Linux audit daemon: installed and enabled, boot parameters, auditd.conf, the loaded rule set and the permissions of its logs, configuration and tools.",
  async collect(target) {
    const files = target.files;
    if (!files) return undefined;
    const pkgs = await installedPackages(target);
    const units = await systemdUnits(target);
    const cmdline = await kernelCmdline(target);
    const confText = await files.read("/etc/audit/auditd.conf");
    const conf = { ...CONF_DEFAULTS };
    for (const [k, v] of Object.entries(parseKeyValues(confText ?? ""))) conf[k] = v.toLowerCase();
    const rules = await ruleText(files);
    const parsed = parseAuditRules(rules.text);
    const backlogArg = cmdline.words.find((w) => w.startsWith("audit_backlog_limit="));
    const logDir = posix.dirname(CONF_DEFAULTS.log_file as string);
    const logFile = parseKeyValues(confText ?? "").log_file ?? (CONF_DEFAULTS.log_file as string);
    const stats = async (dir: string, accept: (n: string) => boolean): Promise<FileFacts[]> =>
      Promise.all(((await files.list(dir)) ?? []).filter(accept).map((n) => statFacts(files, `${dir}/${n}`)));
    return hostSubject(
      {
        installed: "auditd" in pkgs,
        pluginsInstalled: "audispd-plugins" in pkgs,
        enabled: units.enabled.includes("auditd.service"),
        running: (await runningProcesses(target)).includes("auditd"),
        bootAudit: cmdline.words.includes("audit=1"),
        backlogLimit: backlogArg ? Number(backlogArg.split("=")[1]) || 0 : 0,
        cmdlineSource: cmdline.source,
        confExists: confText !== undefined,
        conf: { ...conf, max_log_file: Number(conf.max_log_file) || 0 },
        rulesSource: rules.source,
        watches: parsed.watches,
        syscalls: parsed.syscalls,
        immutable: parsed.immutable,
        logDir: await statFacts(files, posix.dirname(logFile)),
        logFiles: await stats(posix.dirname(logFile) || logDir, (n) => n.startsWith(posix.basename(logFile))),
        configFiles: [
          ...(await stats("/etc/audit", (n) => n.endsWith(".conf") || n.endsWith(".rules"))),
          ...(await stats("/etc/audit/rules.d", (n) => n.endsWith(".rules"))),
        ],
        tools: await Promise.all(TOOLS.map((t) => statFacts(files, `/sbin/${t}`))).then((l) =>
          l.filter((f) => f.exists),
        ),
      },
      "/etc/audit/auditd.conf",
    );
  },
};
