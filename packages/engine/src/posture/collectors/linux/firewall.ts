import type { Collector } from "../collector.js";
import { hostSubject, installedPackages, parseShellVars, systemdUnits } from "./host.js";

/** nft's `type filter hook input priority 0; policy drop;` anywhere in a chain definition. */
const NFT_INPUT_DROP = /hook\s+input\b[^}]*?policy\s+drop/s;

export const firewallCollector: Collector = {
  name: "firewall",
  platform: "linux",
  description:
    "Host firewalls (ufw, nftables, iptables-persistent): installed, enabled at boot, and whether inbound traffic is dropped by default.",
  async collect(target) {
    const files = target.files;
    if (!files) return undefined;
    const pkgs = await installedPackages(target);
    const units = (await systemdUnits(target)).enabled;
    const ufwConf = parseShellVars((await files.read("/etc/ufw/ufw.conf")) ?? "");
    const ufwDefault = parseShellVars((await files.read("/etc/default/ufw")) ?? "");
    const nft = (await files.read("/etc/nftables.conf")) ?? "";
    const rules4 = (await files.read("/etc/iptables/rules.v4")) ?? "";
    const ufw = {
      installed: "ufw" in pkgs,
      enabled: "ufw" in pkgs && units.includes("ufw.service") && (ufwConf.ENABLED ?? "no").toLowerCase() === "yes",
      inputPolicyDrop: ["DROP", "REJECT"].includes((ufwDefault.DEFAULT_INPUT_POLICY ?? "DROP").toUpperCase()),
    };
    const nftables = {
      installed: "nftables" in pkgs,
      enabled: "nftables" in pkgs && units.includes("nftables.service"),
      inputPolicyDrop: NFT_INPUT_DROP.test(nft),
    };
    const persistent = "iptables-persistent" in pkgs || "netfilter-persistent" in pkgs;
    const iptables = {
      installed: "iptables" in pkgs,
      enabled: persistent && units.includes("netfilter-persistent.service"),
      inputPolicyDrop: /^:INPUT\s+DROP\b/m.test(rules4),
    };
    const all = { ufw, nftables, iptables };
    return hostSubject({
      ...all,
      installed: Object.entries(all)
        .filter(([, f]) => f.installed)
        .map(([n]) => n),
      enabled: Object.entries(all)
        .filter(([, f]) => f.enabled)
        .map(([n]) => n),
    });
  },
};
