import type { FileView } from "../../file-view.js";
import type { Collector } from "../collector.js";
import { hostSubject, installedPackages } from "./host.js";
import { parsePamFile } from "./pam.js";

interface SudoLine {
  file: string;
  line: string;
}

/**
 * sudoers(5) lines with includes expanded: "@includedir DIR" / "#includedir DIR" (files whose names have no
 * "." and do not end in "~", in name order) and "@include FILE". Comments and continuation lines handled.
 */
async function sudoersLines(files: FileView, path: string, out: SudoLine[], depth = 0): Promise<void> {
  if (depth > 8) return;
  const text = await files.read(path);
  if (text === undefined) return;
  for (const raw of text.replace(/\\\n/g, " ").split("\n")) {
    const t = raw.trim();
    const inc = /^[@#]include(dir)?\s+(\S+)/.exec(t);
    if (inc) {
      const target = (inc[2] as string).startsWith("/") ? (inc[2] as string) : `/etc/${inc[2]}`;
      if (inc[1])
        for (const n of (await files.list(target)) ?? []) {
          if (!n.includes(".") && !n.endsWith("~")) await sudoersLines(files, `${target}/${n}`, out, depth + 1);
        }
      else await sudoersLines(files, target, out, depth + 1);
      continue;
    }
    const line = t.replace(/(^|\s)#.*$/, "").trim();
    if (line) out.push({ file: path, line });
  }
}

export const sudoCollector: Collector = {
  name: "sudo",
  platform: "linux",
  description:
    "sudo: installed, the Defaults of /etc/sudoers and /etc/sudoers.d, rules without authentication, and whether su is restricted to a group by pam_wheel.",
  async collect(target) {
    const files = target.files;
    if (!files) return undefined;
    const pkgs = await installedPackages(target);
    const lines: SudoLine[] = [];
    await sudoersLines(files, "/etc/sudoers", lines);
    const defaults = lines
      .filter((l) => /^Defaults\b/.test(l.line))
      .flatMap((l) => l.line.replace(/^Defaults\S*\s*/, "").split(/,\s*(?=(?:[^"]*"[^"]*")*[^"]*$)/))
      .map((d) => d.trim().replace(/\s*([+-]?=)\s*/, "$1"))
      .filter(Boolean);
    const value = (k: string) =>
      defaults
        .filter((d) => d.startsWith(`${k}=`))
        .map((d) => d.slice(k.length + 1).replace(/^"|"$/g, ""))
        .pop();
    const timeout = Number(value("timestamp_timeout") ?? 15);
    const pamSu = parsePamFile((await files.read("/etc/pam.d/su")) ?? "", "/etc/pam.d/su");
    const wheel = pamSu.find((l) => l.type === "auth" && l.module === "pam_wheel.so" && l.args.includes("use_uid"));
    const suGroup = wheel?.args.find((a) => a.startsWith("group="))?.slice(6) ?? (wheel ? "root" : "");
    const groupLine = ((await files.read("/etc/group")) ?? "")
      .split("\n")
      .find((l) => suGroup && l.startsWith(`${suGroup}:`));
    return hostSubject(
      {
        installed: "sudo" in pkgs || "sudo-ldap" in pkgs,
        defaults,
        usePty: defaults.filter((d) => d === "use_pty" || d === "!use_pty").pop() === "use_pty", // the last setting wins
        logfile: value("logfile") ?? "",
        timestampTimeout: Number.isNaN(timeout) ? 15 : timeout,
        nopasswd: lines.filter((l) => /\bNOPASSWD\s*:/.test(l.line)).map((l) => `${l.file}: ${l.line}`),
        noAuthenticate: lines
          .filter((l) => /^Defaults\b.*!authenticate\b/.test(l.line))
          .map((l) => `${l.file}: ${l.line}`),
        suRestricted: wheel !== undefined,
        suGroup,
        suGroupMembers: (groupLine?.split(":")[3] ?? "").split(",").filter(Boolean),
      },
      "/etc/sudoers",
    );
  },
};
