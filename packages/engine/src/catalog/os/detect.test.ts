import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Distro } from "../../package/distro.js";
import { detectDistro, OS_FILES } from "./detect.js";

const TESTDATA = join(import.meta.dirname, "testdata");

/** A read() over one testdata root that, like the layer pass, can only see the files OS_FILES names. */
function rootReader(name: string): (path: string) => string | undefined {
  const root = join(TESTDATA, name);
  if (!existsSync(root)) throw new Error(`missing testdata root ${root}`);
  return (path) => {
    if (!OS_FILES.includes(path)) throw new Error(`detectDistro read ${path}, which OS_FILES does not list`);
    const file = join(root, path);
    return existsSync(file) ? readFileSync(file, "utf8") : undefined;
  };
}

const cases: Array<[string, Distro | undefined]> = [
  [
    "debian-12",
    {
      id: "debian",
      versionId: "12",
      codename: "bookworm",
      prettyName: "Debian GNU/Linux 12 (bookworm)",
    },
  ],
  [
    "debian-11",
    {
      id: "debian",
      versionId: "11",
      codename: "bullseye",
      prettyName: "Debian GNU/Linux 11 (bullseye)",
    },
  ],
  ["debian-8", { id: "debian", versionId: "8", codename: "jessie", prettyName: "Debian GNU/Linux 8 (jessie)" }],
  ["debian-6", { id: "debian", versionId: "6" }],
  ["debian-sid", { id: "debian", codename: "trixie", prettyName: "Debian GNU/Linux trixie/sid" }],
  [
    "distroless-static-debian12",
    { id: "debian", versionId: "12", codename: "bookworm", prettyName: "Distroless", distroless: true },
  ],
  [
    "ubuntu-22.04",
    { id: "ubuntu", versionId: "22.04", codename: "jammy", prettyName: "Ubuntu 22.04.3 LTS", idLike: ["debian"] },
  ],
  ["ubuntu-10.04", { id: "ubuntu", versionId: "10.04", codename: "lucid", prettyName: "Ubuntu 10.04.4 LTS" }],
  ["alpine-3.19", { id: "alpine", versionId: "3.19.1", prettyName: "Alpine Linux v3.19" }],
  ["alpine-3.2", { id: "alpine", versionId: "3.2.3" }],
  ["rhel-9", { id: "rhel", versionId: "9.3", prettyName: "Red Hat Enterprise Linux 9.3 (Plow)", idLike: ["fedora"] }],
  [
    "rocky-9",
    {
      id: "rocky",
      versionId: "9.3",
      prettyName: "Rocky Linux 9.3 (Blue Onyx)",
      idLike: ["rhel", "centos", "fedora"],
    },
  ],
  [
    "almalinux-9",
    {
      id: "almalinux",
      versionId: "9.3",
      prettyName: "AlmaLinux 9.3 (Shamrock Pampas Cat)",
      idLike: ["rhel", "centos", "fedora"],
    },
  ],
  ["centos-7", { id: "centos", versionId: "7", prettyName: "CentOS Linux 7 (Core)", idLike: ["rhel", "fedora"] }],
  ["centos-6", { id: "centos", versionId: "6.10", codename: "Final", prettyName: "CentOS release 6.10 (Final)" }],
  ["amzn-2", { id: "amzn", versionId: "2", prettyName: "Amazon Linux 2", idLike: ["centos", "rhel", "fedora"] }],
  ["amzn-2023", { id: "amzn", versionId: "2023", prettyName: "Amazon Linux 2023.3.20240131", idLike: ["fedora"] }],
  ["amzn-2018.03-release-only", { id: "amzn", versionId: "2018.03", prettyName: "Amazon Linux AMI release 2018.03" }],
  ["fedora-39", { id: "fedora", versionId: "39", prettyName: "Fedora Linux 39 (Container Image)" }],
  ["sles-15.5", { id: "sles", versionId: "15.5", prettyName: "SUSE Linux Enterprise Server 15 SP5", idLike: ["suse"] }],
  ["sles-11.4", { id: "sles", versionId: "11.4", prettyName: "SUSE Linux Enterprise Server 11" }],
  [
    "opensuse-leap-15.5",
    { id: "opensuse-leap", versionId: "15.5", prettyName: "openSUSE Leap 15.5", idLike: ["suse", "opensuse"] },
  ],
  [
    "opensuse-tumbleweed",
    {
      id: "opensuse-tumbleweed",
      versionId: "20240110",
      prettyName: "openSUSE Tumbleweed",
      idLike: ["opensuse", "suse"],
    },
  ],
  ["opensuse-13.2", { id: "opensuse", versionId: "13.2", codename: "Harlequin", prettyName: "openSUSE 13.2" }],
  ["wolfi", { id: "wolfi", versionId: "20230201", prettyName: "Wolfi" }],
  ["chainguard", { id: "chainguard", versionId: "20230214", prettyName: "Chainguard" }],
  ["empty", undefined],
];

describe("detectDistro", () => {
  it.each(cases)("%s", (name, expected) => {
    expect(detectDistro(rootReader(name))).toEqual(expected);
  });

  it("never takes Ubuntu for Debian although Ubuntu ships /etc/debian_version", () => {
    expect(detectDistro(rootReader("ubuntu-22.04"))?.id).toBe("ubuntu");
    expect(detectDistro(rootReader("ubuntu-10.04"))?.id).toBe("ubuntu");
  });

  it("falls back to the release files when os-release names no ID", () => {
    const read = (path: string) => (path === "/etc/os-release" ? 'NAME="Something"\n' : undefined);
    expect(detectDistro(read)).toBeUndefined();
    const withAlpine = (path: string) =>
      path === "/etc/os-release" ? 'NAME="Something"\n' : path === "/etc/alpine-release" ? "3.18.4\n" : undefined;
    expect(detectDistro(withAlpine)).toEqual({ id: "alpine", versionId: "3.18.4" });
  });

  it("reads quoting and escapes the way os-release(5) defines them", () => {
    const text = [
      "# a comment",
      "ID='Debian'",
      'PRETTY_NAME="Say \\"hi\\" \\$HOME"',
      "VERSION_ID=12 # trailing comment",
      "ID_LIKE=",
    ].join("\n");
    expect(detectDistro((p) => (p === "/etc/os-release" ? text : undefined))).toEqual({
      id: "debian",
      versionId: "12",
      prettyName: 'Say "hi" $HOME',
    });
  });

  it("does not throw on binary garbage", () => {
    const garbage = Buffer.from([0, 1, 2, 255, 10, 61, 61, 10]).toString("utf8");
    expect(() => detectDistro(() => garbage)).not.toThrow();
  });
});
