import type { PackageInput, SourcePackage } from "../../package/package.js";
import { RpmHeader, RpmTag } from "./header.js";

/**
 * Turns one header blob into a package. Returns undefined for the gpg-pubkey pseudo-packages rpm keeps
 * for imported signing keys (they are keys, not software). Throws RpmHeaderError on a corrupt blob.
 */
export function rpmPackageFromBlob(blob: Uint8Array, path: string): PackageInput | undefined {
  const h = RpmHeader.parse(blob);
  const name = h.string(RpmTag.NAME);
  const version = h.string(RpmTag.VERSION);
  if (!name || !version || name === "gpg-pubkey") return undefined;
  const release = h.string(RpmTag.RELEASE);
  const pkg: PackageInput = {
    type: "rpm",
    name,
    version: release ? `${version}-${release}` : version,
    location: { path },
  };
  const epoch = h.int32(RpmTag.EPOCH);
  if (epoch !== undefined) pkg.epoch = epoch;
  const arch = h.string(RpmTag.ARCH);
  if (arch) pkg.arch = arch;
  const license = h.string(RpmTag.LICENSE);
  if (license) pkg.licenses = [license];
  const sourceRpm = h.string(RpmTag.SOURCERPM);
  const source = sourceRpm ? parseSourceRpm(sourceRpm) : undefined;
  if (source) pkg.source = source;
  const metadata: NonNullable<PackageInput["metadata"]> = {};
  if (sourceRpm) metadata.sourceRpm = sourceRpm;
  // RHEL/Fedora module streams ("nodejs:18:…"): advisories for modular packages are keyed on it.
  const modularityLabel = h.string(RpmTag.MODULARITYLABEL);
  if (modularityLabel) metadata.modularityLabel = modularityLabel;
  if (Object.keys(metadata).length > 0) pkg.metadata = metadata;
  return pkg;
}

/**
 * "openssl-3.0.7-24.el9.src.rpm" → { name: "openssl", version: "3.0.7-24.el9" }. Name may contain dashes;
 * version and release never do, so the last two dashes split it.
 */
export function parseSourceRpm(file: string): SourcePackage | undefined {
  const nvr = file.replace(/\.(?:no)?src\.rpm$/, "");
  if (nvr === file) return undefined;
  const releaseDash = nvr.lastIndexOf("-");
  const versionDash = releaseDash > 0 ? nvr.lastIndexOf("-", releaseDash - 1) : -1;
  if (versionDash <= 0) return undefined;
  return { name: nvr.slice(0, versionDash), version: nvr.slice(versionDash + 1) };
}
