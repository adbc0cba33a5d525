import type { Collector } from "../collector.js";
import { type FileFacts, hostSubject, statFacts } from "./host.js";

/** Files whose owner and mode CIS section 7.1 checks; each is reported, present or not. */
export const SENSITIVE_FILES = [
  "/etc/passwd",
  "/etc/passwd-",
  "/etc/group",
  "/etc/group-",
  "/etc/shadow",
  "/etc/shadow-",
  "/etc/gshadow",
  "/etc/gshadow-",
  "/etc/shells",
  "/etc/security/opasswd",
  "/etc/issue",
  "/etc/issue.net",
  "/etc/motd",
];

export const filesCollector: Collector = {
  name: "files",
  platform: "linux",
  description:
    "Owner, group and mode of the account databases and other sensitive files (path → facts; missing files have exists false).",
  async collect(target) {
    const files = target.files;
    if (!files) return undefined;
    const paths: Record<string, FileFacts> = {};
    for (const p of SENSITIVE_FILES) paths[p] = await statFacts(files, p);
    const group = (await files.read("/etc/group")) ?? "";
    const shadowLine = group.split("\n").find((l) => l.startsWith("shadow:"));
    return hostSubject({ paths, shadowGid: shadowLine ? Number(shadowLine.split(":")[2]) : -1 });
  },
};
