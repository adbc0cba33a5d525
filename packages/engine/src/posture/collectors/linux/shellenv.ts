import type { Collector } from "../collector.js";
import { configLines, hostSubject, parseKeyValues } from "./host.js";
import { parsePamFile } from "./pam.js";

export const shellenvCollector: Collector = {
  name: "shellenv",
  platform: "linux",
  description:
    "Login shell defaults: TMOUT (value, readonly, exported) and every default umask set in the profiles, login.defs and pam_umask, and the shells listed in /etc/shells.",
  async collect(target) {
    const files = target.files;
    if (!files) return undefined;
    const profiles = [];
    for (const p of ["/etc/profile", "/etc/bash.bashrc"]) {
      const text = await files.read(p);
      if (text !== undefined) profiles.push({ path: p, text });
    }
    profiles.push(...(await files.readDir("/etc/profile.d", (n) => n.endsWith(".sh"))));
    const tmout: Array<{ file: string; value: number }> = [];
    let readonly = false;
    let exported = false;
    const umasks: Array<{ file: string; value: string; allows: number }> = [];
    const addUmask = (file: string, value: string) => {
      if (/^0?[0-7]{3}$/.test(value)) umasks.push({ file, value, allows: 0o777 & ~Number.parseInt(value, 8) });
    };
    for (const { path, text } of profiles)
      for (const { line } of configLines(text)) {
        for (const m of line.matchAll(
          /(?:^|[\s;])(?:(?:readonly|export|declare\s+-\w+|typeset\s+-\w+)\s+)?TMOUT=(\d+)/g,
        ))
          tmout.push({ file: path, value: Number(m[1]) });
        if (/(?:^|[\s;])(?:readonly|declare\s+-\w*r\w*|typeset\s+-\w*r\w*)\s+(?:\w+=\S*\s+)*TMOUT\b/.test(line))
          readonly = true;
        if (/(?:^|[\s;])(?:export|declare\s+-\w*x\w*|typeset\s+-\w*x\w*)\s+(?:\w+=\S*\s+)*TMOUT\b/.test(line))
          exported = true;
        const u = /(?:^|[\s;])umask\s+(\d{3,4})\b/.exec(line);
        if (u) addUmask(path, u[1] as string);
      }
    const defs = parseKeyValues((await files.read("/etc/login.defs")) ?? "");
    if (defs.umask) addUmask("/etc/login.defs", defs.umask);
    for (const l of parsePamFile((await files.read("/etc/pam.d/common-session")) ?? "", "/etc/pam.d/common-session"))
      if (l.module === "pam_umask.so") for (const a of l.args) if (a.startsWith("umask=")) addUmask(l.file, a.slice(6));
    const shells = configLines((await files.read("/etc/shells")) ?? "").map((l) => l.line);
    return hostSubject({ tmout, tmoutReadonly: readonly, tmoutExported: exported, umasks, shells });
  },
};
