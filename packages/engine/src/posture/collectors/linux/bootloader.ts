import type { Collector } from "../collector.js";
import { anyInstalled, hostSubject, installedPackages, kernelCmdline, statFacts } from "./host.js";

const GRUB_CFG = "/boot/grub/grub.cfg";
/** grub.cfg is generated and can be long on a host with many kernels; it is still text. */
const GRUB_CFG_LIMIT = 16 * 1024 * 1024;

export const bootloaderCollector: Collector = {
  name: "bootloader",
  platform: "linux",
  description:
    "GRUB: installed, grub.cfg's owner and mode, whether a superuser password protects it, and the kernel command line it boots.",
  async collect(target) {
    const files = target.files;
    if (!files) return undefined;
    const pkgs = await installedPackages(target);
    const cfg = await statFacts(files, GRUB_CFG);
    // A password may be set in the generated grub.cfg or in the /etc/grub.d scripts that generate it.
    const texts = [
      (await files.read(GRUB_CFG, GRUB_CFG_LIMIT)) ?? "",
      ...(await files.readDir("/etc/grub.d")).map((f) => f.text),
    ];
    const superusers = texts.some((t) => /^\s*set\s+superusers\s*=/m.test(t));
    const password = texts.some((t) => /^\s*password(?:_pbkdf2)?\s+\S+\s+\S+/m.test(t));
    const cmdline = await kernelCmdline(target);
    return hostSubject(
      {
        installed: cfg.exists || anyInstalled(pkgs, ["grub-common", "grub-pc", "grub-efi-amd64", "grub-efi-arm64"]),
        grubCfg: cfg,
        passwordSet: superusers && password,
        cmdline: cmdline.words,
        cmdlineSource: cmdline.source,
      },
      GRUB_CFG,
    );
  },
};
