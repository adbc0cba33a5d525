import type { Distro } from "../../package/distro.js";
import { parseOsRelease } from "./os-release.js";
import { parseLsbRelease, parseReleaseLine, parseSuseRelease } from "./release-files.js";

/** Read-only access to the merged view: the text of a file, or undefined when it does not exist. */
type ReadFile = (path: string) => string | undefined;

/** Release files of distros that predate (or sit beside) os-release, most specific first. */
const RELEASE_LINE_FILES = [
  "/etc/rocky-release",
  "/etc/almalinux-release",
  "/etc/centos-release",
  "/etc/fedora-release",
  "/etc/system-release",
  "/etc/redhat-release",
];

/** Files the layer pass keeps whole so the OS can be detected after layers are merged. */
export const OS_FILES: readonly string[] = [
  "/etc/os-release",
  "/usr/lib/os-release",
  "/etc/alpine-release",
  ...RELEASE_LINE_FILES,
  "/etc/SuSE-release",
  "/etc/lsb-release",
  "/etc/debian_version",
];

/**
 * Detects the distro from the merged view's files. `read` follows symlinks inside the root and returns
 * undefined for a file that does not exist.
 *
 * os-release decides when it names an ID (as in Trivy and Syft); the older per-distro files are the
 * fallback for images that predate it (CentOS 6, Debian 6, Ubuntu 12.04, SLES 11, old Alpine).
 */
export function detectDistro(read: ReadFile): Distro | undefined {
  const osRelease = read("/etc/os-release") ?? read("/usr/lib/os-release");
  const distro = (osRelease !== undefined ? fromOsRelease(osRelease) : undefined) ?? fromReleaseFiles(read);
  if (distro?.id === "debian") refineDebian(distro, read("/etc/debian_version"));
  return distro;
}

function fromOsRelease(text: string): Distro | undefined {
  const f = parseOsRelease(text);
  const id = f.get("ID")?.toLowerCase();
  if (!id) return undefined;
  const distro: Distro = { id };
  const versionId = f.get("VERSION_ID");
  if (versionId) distro.versionId = versionId;
  const codename = f.get("VERSION_CODENAME") || f.get("UBUNTU_CODENAME") || codenameFromVersion(f.get("VERSION"));
  if (codename) distro.codename = codename;
  const prettyName = f.get("PRETTY_NAME");
  if (prettyName) distro.prettyName = prettyName;
  const idLike = f.get("ID_LIKE")?.split(/\s+/).filter(Boolean);
  if (idLike?.length) distro.idLike = idLike;
  // Google distroless ships Debian's os-release with PRETTY_NAME replaced; its dpkg data is in status.d.
  if (prettyName?.includes("Distroless")) distro.distroless = true;
  return distro;
}

/** Debian 8 wrote the codename only inside VERSION ("8 (jessie)"). */
function codenameFromVersion(version: string | undefined): string | undefined {
  const m = version ? /\(([a-z]+)\)\s*$/.exec(version) : null;
  return m?.[1];
}

function fromReleaseFiles(read: ReadFile): Distro | undefined {
  const alpine = read("/etc/alpine-release")?.trim();
  if (alpine) return { id: "alpine", versionId: alpine };
  for (const path of RELEASE_LINE_FILES) {
    const text = read(path);
    const d = text !== undefined ? parseReleaseLine(text) : undefined;
    if (d) return d;
  }
  const suse = read("/etc/SuSE-release");
  const fromSuse = suse !== undefined ? parseSuseRelease(suse) : undefined;
  if (fromSuse) return fromSuse;
  // Ubuntu also ships /etc/debian_version (naming its Debian base), so lsb-release must win over it.
  const lsb = read("/etc/lsb-release");
  const fromLsb = lsb !== undefined ? parseLsbRelease(lsb) : undefined;
  if (fromLsb) return fromLsb;
  if (read("/etc/debian_version") !== undefined) return { id: "debian" };
  return undefined;
}

/**
 * /etc/debian_version holds the point release ("12.5") on stable and "trixie/sid" on testing/unstable.
 * VERSION_ID stays the major release ("12"), which is what advisories are keyed on; the point release
 * only fills in a version os-release did not give.
 */
function refineDebian(distro: Distro, debianVersion: string | undefined): void {
  const v = debianVersion?.trim();
  if (!v) return;
  const point = /^(\d+)(?:\.\d+)*$/.exec(v);
  if (point?.[1]) {
    distro.versionId ??= point[1];
    return;
  }
  const codename = /^([a-z]+)\/sid$/.exec(v)?.[1];
  if (codename) distro.codename ??= codename;
}
