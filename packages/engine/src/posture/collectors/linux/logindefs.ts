import type { Collector } from "../collector.js";
import { hostSubject, parseKeyValues, parseShellVars } from "./host.js";

/** shadow-utils' compiled-in values for keys login.defs leaves out. */
const NUMBER_DEFAULTS: Record<string, number> = {
  pass_max_days: 99999,
  pass_min_days: 0,
  pass_warn_age: 7,
  uid_min: 1000,
};

export const loginDefsCollector: Collector = {
  name: "logindefs",
  platform: "linux",
  description:
    "Password ageing and hashing defaults from /etc/login.defs and useradd's INACTIVE from /etc/default/useradd.",
  async collect(target) {
    const files = target.files;
    if (!files) return undefined;
    const text = await files.read("/etc/login.defs");
    const defs = parseKeyValues(text ?? "");
    const facts: Record<string, unknown> = { exists: text !== undefined };
    for (const [k, d] of Object.entries(NUMBER_DEFAULTS)) {
      const n = Number(defs[k]);
      facts[k] = defs[k] !== undefined && !Number.isNaN(n) ? n : d;
    }
    facts.encrypt_method = (defs.encrypt_method ?? "des").toLowerCase();
    facts.umask = defs.umask ?? "022";
    const useradd = parseShellVars((await files.read("/etc/default/useradd")) ?? "");
    const inactive = Number(useradd.INACTIVE);
    facts.useradd_inactive = useradd.INACTIVE !== undefined && !Number.isNaN(inactive) ? inactive : -1;
    return hostSubject(facts, "/etc/login.defs");
  },
};
