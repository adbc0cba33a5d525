/** The operating system of a scanned root, as detected from os-release and friends. */
export interface Distro {
  /** os-release ID, lower case: "debian", "ubuntu", "alpine", "rhel", "rocky", "almalinux", "centos", "amzn",
   *  "fedora", "sles", "opensuse-leap", "wolfi", "chainguard"… */
  id: string;
  /** VERSION_ID as os-release writes it ("12", "3.19.1", "2023"). */
  versionId?: string;
  /** VERSION_CODENAME ("bookworm") when known. */
  codename?: string;
  /** PRETTY_NAME for display. */
  prettyName?: string;
  /** ID_LIKE entries ("debian", "rhel fedora"…). */
  idLike?: string[];
  /** Google distroless images: a Debian base with dpkg status.d and no os-release package DB. */
  distroless?: boolean;
}
