import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { containerIdFromCgroup } from "./cgroup.js";
import { testdata } from "./test-support.js";

const ID = "90665b83ece27c92127d8bad76171f728247f83b57b39cc3babd319b09e2411f";
const K8S = "0e6f1e7a0c3b5d7e9f2a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d";

describe("container ids from /proc/PID/cgroup", () => {
  it("reads them from this machine's real files", () => {
    // Copied from a podman container (cgroupfs driver, hybrid v1/v2 hierarchy) and its conmon.
    expect(containerIdFromCgroup(readFileSync(testdata("cgroup-podman-cgroupfs.txt"), "utf8"))).toBe(ID);
    expect(containerIdFromCgroup(readFileSync(testdata("cgroup-podman-conmon.txt"), "utf8"))).toBeUndefined();
    expect(containerIdFromCgroup(readFileSync(testdata("cgroup-host-hybrid.txt"), "utf8"))).toBeUndefined();
  });

  it.each([
    ["docker, systemd driver", `0::/system.slice/docker-${ID}.scope`, ID],
    ["docker, cgroupfs driver (v1)", `12:memory:/docker/${ID}\n11:pids:/docker/${ID}`, ID],
    ["podman, systemd driver", `0::/machine.slice/libpod-${ID}.scope`, ID],
    ["podman with the container sub-cgroup", `0::/machine.slice/libpod-${ID}.scope/container`, ID],
    ["podman rootless", `0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${ID}.scope`, ID],
    ["podman conmon, systemd driver", `0::/machine.slice/libpod-conmon-${ID}.scope`, undefined],
    ["podman cgroupfs", `1:name=systemd:/libpod_parent/libpod-${ID}`, ID],
    ["kubernetes cgroupfs (v1)", `4:memory:/kubepods/burstable/pod7a8c6b6e-57c4-4bd4-9a0e-1f3b2c1d0e9f/${K8S}`, K8S],
    [
      "kubernetes containerd, systemd driver",
      `0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod7a8c6b6e_57c4_4bd4_9a0e_1f3b2c1d0e9f.slice/cri-containerd-${K8S}.scope`,
      K8S,
    ],
    [
      "kubernetes cri-o, systemd driver",
      `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7a8c6b6e_57c4.slice/crio-${K8S}.scope`,
      K8S,
    ],
    ["cri-o conmon", `0::/kubepods.slice/kubepods-burstable.slice/crio-conmon-${K8S}.scope`, undefined],
    [
      "kubernetes pod cgroup itself",
      "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7a8c.slice",
      undefined,
    ],
    ["a container whose cgroup namespace hides the path", "0::/", undefined],
    ["a systemd service", "0::/system.slice/ssh.service", undefined],
    ["a short hex that is not an id", "0::/docker/90665b83ece2", undefined],
    ["upper-case hex is not an id", `0::/docker/${ID.toUpperCase()}`, undefined],
  ])("%s", (_name, content, expected) => {
    expect(containerIdFromCgroup(content)).toBe(expected);
  });
});
