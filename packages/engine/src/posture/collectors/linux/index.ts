import type { Collector } from "../collector.js";
import { accountsCollector } from "./accounts.js";
import { apparmorCollector } from "./apparmor.js";
import { auditdCollector } from "./auditd.js";
import { bannerCollector } from "./banner.js";
import { bootloaderCollector } from "./bootloader.js";
import { coredumpCollector } from "./coredump.js";
import { cronCollector } from "./cron.js";
import { filesCollector } from "./files.js";
import { filesystemCollector } from "./filesystem.js";
import { firewallCollector } from "./firewall.js";
import { integrityCollector } from "./integrity.js";
import { kernelModulesCollector } from "./kernel-modules.js";
import { loggingCollector } from "./logging.js";
import { loginDefsCollector } from "./logindefs.js";
import { mountsCollector } from "./mounts.js";
import { pamCollector } from "./pam.js";
import { servicesCollector } from "./services.js";
import { shellenvCollector } from "./shellenv.js";
import { sshdCollector } from "./sshd.js";
import { sudoCollector } from "./sudo.js";
import { sysctlCollector } from "./sysctl.js";
import { timesyncCollector } from "./timesync.js";

/** The Linux host collectors (CIS Debian Linux 12 style): each returns one subject, the host. */
export const collectors: Collector[] = [
  accountsCollector,
  apparmorCollector,
  auditdCollector,
  bannerCollector,
  bootloaderCollector,
  coredumpCollector,
  cronCollector,
  filesCollector,
  filesystemCollector,
  firewallCollector,
  integrityCollector,
  kernelModulesCollector,
  loggingCollector,
  loginDefsCollector,
  mountsCollector,
  pamCollector,
  servicesCollector,
  shellenvCollector,
  sshdCollector,
  sudoCollector,
  sysctlCollector,
  timesyncCollector,
];
