import type { Collector } from "../collector.js";
import { hostSubject, parseShellVars } from "./host.js";

/** getty's escapes that print the machine, OS release, OS name and version (agetty(8) "ISSUE ESCAPES"). */
const ESCAPES = ["\\m", "\\r", "\\s", "\\v"];

export const bannerCollector: Collector = {
  name: "banner",
  platform: "linux",
  description: "The login banners /etc/issue, /etc/issue.net and /etc/motd: present, and the OS details they disclose.",
  async collect(target) {
    const files = target.files;
    if (!files) return undefined;
    const osId = (
      parseShellVars((await files.read("/etc/os-release")) ?? (await files.read("/usr/lib/os-release")) ?? "").ID ?? ""
    ).toLowerCase();
    const banner = async (path: string) => {
      const text = await files.read(path);
      const lower = (text ?? "").toLowerCase();
      const disclosed = [
        ...ESCAPES.filter((e) => (text ?? "").includes(e)),
        ...(osId && lower.includes(osId) ? [osId] : []),
      ];
      return {
        path,
        exists: text !== undefined,
        empty: (text ?? "").trim() === "",
        disclosesOs: disclosed.length > 0,
        disclosed,
      };
    };
    return hostSubject({
      issue: await banner("/etc/issue"),
      issueNet: await banner("/etc/issue.net"),
      motd: await banner("/etc/motd"),
    });
  },
};
