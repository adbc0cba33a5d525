import type { Distro } from "../../package/distro.js";
import { parseOsRelease } from "./os-release.js";

/** Names in "<name> release <version> (<codename>)" lines, mapped to the os-release ID that distro uses. */
const RELEASE_NAMES: Array<[RegExp, string]> = [
  [/^Red Hat Enterprise Linux\b/i, "rhel"],
  [/^CentOS\b/i, "centos"],
  [/^Rocky Linux\b/i, "rocky"],
  [/^AlmaLinux\b/i, "almalinux"],
  [/^Fedora\b/i, "fedora"],
  [/^Amazon Linux\b/i, "amzn"],
];

/**
 * The one-line release files of the Red Hat family: "CentOS release 6.10 (Final)",
 * "Red Hat Enterprise Linux Server release 7.9 (Maipo)", "Amazon Linux release 2 (Karoo)".
 */
export function parseReleaseLine(text: string): Distro | undefined {
  const line = text.split("\n", 1)[0]?.trim() ?? "";
  const m = /^(.*?)\s+release\s+(\S+)(?:\s+\(([^)]*)\))?/.exec(line);
  if (!m?.[1] || !m[2]) return undefined;
  const name = m[1];
  const id = RELEASE_NAMES.find(([re]) => re.test(name))?.[1];
  if (!id) return undefined;
  const distro: Distro = { id, versionId: m[2], prettyName: line };
  if (m[3]) distro.codename = m[3];
  return distro;
}

/**
 * SLES ≤ 12 and openSUSE ≤ 42 /etc/SuSE-release: a title line, then "VERSION = 11" and "PATCHLEVEL = 4".
 * The version is written the way their os-release later did: "11.4" (SLES), "13.2" (openSUSE).
 */
export function parseSuseRelease(text: string): Distro | undefined {
  const lines = text.split("\n");
  const title = lines[0]?.trim() ?? "";
  const id = /^SUSE Linux Enterprise Server\b/i.test(title)
    ? "sles"
    : /^openSUSE\b/i.test(title)
      ? "opensuse"
      : undefined;
  if (!id) return undefined;
  const field = (key: string) => {
    for (const l of lines) {
      const m = /^\s*([A-Z_]+)\s*=\s*(.*?)\s*$/.exec(l);
      if (m?.[1] === key) return m[2];
    }
    return undefined;
  };
  const version = field("VERSION");
  const patch = field("PATCHLEVEL");
  const distro: Distro = { id, prettyName: title.replace(/\s*\([^)]*\)\s*$/, "") };
  if (version) distro.versionId = patch && patch !== "0" && !version.includes(".") ? `${version}.${patch}` : version;
  const codename = field("CODENAME");
  if (codename) distro.codename = codename;
  return distro;
}

/** /etc/lsb-release (Ubuntu before os-release, Mint…): DISTRIB_ID, DISTRIB_RELEASE, DISTRIB_CODENAME. */
export function parseLsbRelease(text: string): Distro | undefined {
  const f = parseOsRelease(text);
  const id = f.get("DISTRIB_ID")?.toLowerCase();
  if (!id) return undefined;
  const distro: Distro = { id };
  const version = f.get("DISTRIB_RELEASE");
  if (version) distro.versionId = version;
  const codename = f.get("DISTRIB_CODENAME");
  if (codename) distro.codename = codename;
  const description = f.get("DISTRIB_DESCRIPTION");
  if (description) distro.prettyName = description;
  return distro;
}
