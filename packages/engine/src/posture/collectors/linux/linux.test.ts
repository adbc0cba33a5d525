import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOST_EXCLUDES } from "../../../source/directory.js";
import type { ControlResult, ControlStatus } from "../../control.js";
import { evaluatePosture } from "../../engine.js";
import { FileView } from "../../file-view.js";
import { loadControlSet } from "../../load.js";
import type { PostureTarget } from "../../target.js";
import { collectors } from "./index.js";
import { mountsCollector } from "./mounts.js";
import { sysctlCollector } from "./sysctl.js";
import {
  buildHardened,
  buildWeakened,
  buildWeakMounts,
  buildWeakSudo,
  FAKE_HASH,
  ROOTFS,
  Rootfs,
  requireRootfs,
} from "./test-fixtures.js";

const CONTROLS_FILE = fileURLToPath(new URL("../../controls/linux.yaml", import.meta.url));
const controls = loadControlSet(
  readFileSync(CONTROLS_FILE, "utf8"),
  "linux.yaml",
  new Set(collectors.map((c) => c.name)),
).controls;
const ids = controls.map((c) => c.id);

type Expect = ControlStatus | { status: ControlStatus; because: string };
interface Expected {
  hardened: Expect;
  weakened: Expect;
}

/** Controls that do not simply pass on HARDENED and fail on WEAKENED, and why. Every other control must. */
const EXCEPTIONS: Record<string, Partial<Expected> & { weakFixture?: "weak-mounts" | "weak-sudo" }> = {
  // A root filesystem always gets /dev/shm: systemd (or initscripts) mounts it whatever fstab says.
  "linux-mount-dev-shm-separate": {
    weakened: { status: "pass", because: "/dev/shm is always a separate tmpfs on a booted system" },
  },
  "linux-timesyncd-server-configured": {
    hardened: {
      status: "not-applicable",
      because: "the hardened host uses chrony; systemd-timesyncd is not installed",
    },
  },
  "linux-timesyncd-enabled": {
    hardened: {
      status: "not-applicable",
      because: "the hardened host uses chrony; systemd-timesyncd is not installed",
    },
  },
  "linux-at-restricted": {
    hardened: { status: "not-applicable", because: "at is not installed on the hardened host" },
  },
};
// The mount option controls apply only to separate mounts, which WEAKENED lacks on purpose (its *-separate
// controls fail): they are shown failing on WEAK_MOUNTS, separate mounts with none of the options.
for (const id of ids)
  if (/^linux-mount-.*-(nodev|nosuid|noexec)$/.test(id) && !id.startsWith("linux-mount-dev-shm-"))
    EXCEPTIONS[id] = { ...EXCEPTIONS[id], weakFixture: "weak-mounts" };
// sudo's configuration controls apply only where sudo is installed, which WEAKENED lacks on purpose (its
// linux-sudo-installed fails): they are shown failing on WEAK_SUDO, sudo installed with the same sudoers.
for (const id of ["linux-sudo-use-pty", "linux-sudo-logfile", "linux-sudo-timeout"])
  EXCEPTIONS[id] = { ...EXCEPTIONS[id], weakFixture: "weak-sudo" };

/** What the untouched debootstrapped tree (minbase: no sshd, sudo, systemd, auditd…) fails. */
const PRISTINE_FAILURES = [
  "linux-mount-tmp-separate",
  "linux-mount-dev-shm-noexec",
  "linux-mount-home-separate",
  "linux-mount-var-separate",
  "linux-mount-var-tmp-separate",
  "linux-mount-var-log-separate",
  "linux-mount-var-log-audit-separate",
  "linux-apparmor-installed",
  "linux-apparmor-bootloader",
  "linux-apparmor-profiles-loaded",
  "linux-apparmor-profiles-enforcing",
  "linux-core-dumps-restricted",
  "linux-banner-motd",
  "linux-banner-issue",
  "linux-banner-issue-net",
  "linux-time-single-daemon",
  "linux-perms-cron-daily",
  "linux-perms-cron-d",
  "linux-sysctl-send-redirects",
  "linux-sysctl-accept-redirects",
  "linux-sysctl-secure-redirects",
  "linux-sysctl-rp-filter",
  "linux-sysctl-source-route",
  "linux-sysctl-log-martians",
  "linux-sysctl-ipv6-router-advertisements",
  "linux-firewall-installed",
  "linux-firewall-single-utility",
  "linux-firewall-enabled",
  "linux-firewall-default-deny",
  "linux-sudo-installed",
  "linux-su-restricted",
  "linux-pam-pwquality-installed",
  "linux-pam-faillock-enabled",
  "linux-pam-pwquality-enabled",
  "linux-pam-pwhistory-enabled",
  "linux-pam-faillock-unlock-time",
  "linux-pam-faillock-root",
  "linux-pam-pwquality-difok",
  "linux-pam-pwquality-minlen",
  "linux-pam-pwquality-complexity",
  "linux-pam-pwquality-maxrepeat",
  "linux-pam-pwquality-maxsequence",
  "linux-pam-pwquality-enforce-for-root",
  "linux-pam-pwhistory-remember",
  "linux-pam-pwhistory-enforce-for-root",
  "linux-pam-unix-no-nullok",
  "linux-logindefs-pass-max-days",
  "linux-logindefs-pass-min-days",
  "linux-useradd-inactive",
  "linux-shell-timeout",
  "linux-default-umask",
  "linux-journald-enabled",
  "linux-log-files-permissions",
  "linux-auditd-installed",
  "linux-auditd-enabled",
  "linux-auditd-boot",
  "linux-auditd-backlog-limit",
  "linux-auditd-max-log-file",
  "linux-auditd-keep-logs",
  "linux-auditd-disk-full",
  "linux-auditd-space-left",
  "linux-audit-sudoers",
  "linux-audit-user-emulation",
  "linux-audit-time-change",
  "linux-audit-network-environment",
  "linux-audit-unsuccessful-access",
  "linux-audit-identity",
  "linux-audit-permission-changes",
  "linux-audit-mounts",
  "linux-audit-session",
  "linux-audit-logins",
  "linux-audit-file-deletion",
  "linux-audit-mac-policy",
  "linux-audit-chcon-use",
  "linux-audit-setfacl-use",
  "linux-audit-chacl-use",
  "linux-audit-usermod-use",
  "linux-audit-kernel-modules",
  "linux-audit-immutable",
  "linux-aide-installed",
  "linux-aide-scheduled",
  "linux-aide-audit-tools",
];

const statusOf = (e: Expect): ControlStatus => (typeof e === "string" ? e : e.status);

async function evaluate(target: PostureTarget): Promise<Map<string, ControlResult>> {
  const r = await evaluatePosture(controls, target, collectors);
  return new Map(r.results.map((x) => [x.control.id, x]));
}
const show = (r: ControlResult | undefined) =>
  r
    ? `${r.status}${r.reason ? ` (${r.reason})` : ""} ${JSON.stringify(r.violations.map((v) => v.evidence))}`
    : "missing";

describe("linux controls", () => {
  let hardened: Rootfs;
  let weakened: Rootfs;
  let weakMounts: Rootfs;
  let weakSudo: Rootfs;
  const results: Record<string, Map<string, ControlResult>> = {};

  beforeAll(async () => {
    requireRootfs();
    [hardened, weakened, weakMounts, weakSudo] = await Promise.all([
      buildHardened(),
      buildWeakened(),
      buildWeakMounts(),
      buildWeakSudo(),
    ]);
    for (const [name, r] of Object.entries({ hardened, weakened, "weak-mounts": weakMounts, "weak-sudo": weakSudo }))
      results[name] = await evaluate({ name, files: new FileView(r.dir) });
  }, 120_000);
  afterAll(async () => {
    await Promise.all([hardened?.cleanup(), weakened?.cleanup(), weakMounts?.cleanup(), weakSudo?.cleanup()]);
  });

  it("has at least 90 controls, each mapped to a CIS section", () => {
    expect(controls.length).toBeGreaterThanOrEqual(90);
    expect(controls.filter((c) => !c.frameworks.cis?.length).map((c) => c.id)).toEqual([]);
    expect(controls.every((c) => c.platform === "linux" && c.evidence)).toBe(true);
  });

  it("has an expectation for every control it names", () => {
    expect(Object.keys(EXCEPTIONS).filter((id) => !ids.includes(id))).toEqual([]);
    expect(PRISTINE_FAILURES.filter((id) => !ids.includes(id))).toEqual([]);
  });

  describe.each(ids)("%s", (id) => {
    const x = EXCEPTIONS[id] ?? {};
    const hard = x.hardened ?? "pass";
    const weak = x.weakened ?? "fail";
    it(`is ${statusOf(hard)} on the hardened host`, () => {
      const r = results.hardened?.get(id);
      expect(r?.status, show(r)).toBe(statusOf(hard));
    });
    it(`is ${statusOf(weak)} on the weakened host`, () => {
      const r = results[x.weakFixture ?? "weakened"]?.get(id);
      expect(r?.status, show(r)).toBe(statusOf(weak));
      if (r?.status === "fail")
        expect(r.violations[0]?.evidence.join(" ").length, "a failure shows evidence").toBeGreaterThan(0);
    });
  });

  it("never puts password hashes into facts", async () => {
    for (const r of [hardened, weakened]) {
      const target = { name: "t", files: new FileView(r.dir) };
      for (const c of collectors) {
        const subjects = await c.collect(target, () => {});
        expect(JSON.stringify(subjects), c.name).not.toContain(FAKE_HASH.slice(8, 30));
      }
    }
  });

  it("evaluates every control on an empty tree without an error (missing files are facts, not failures of the scan)", async () => {
    const empty = await Rootfs.empty("empty");
    try {
      const r = await evaluate({ name: "empty", files: new FileView(empty.dir) });
      expect([...r.values()].filter((x) => x.status === "error").map((x) => `${x.control.id}: ${x.reason}`)).toEqual(
        [],
      );
      expect(r.get("linux-sshd-root-login")?.status).toBe("not-applicable");
    } finally {
      await empty.cleanup();
    }
  });

  it("reports a config file too large to read as an error of the controls that read it", async () => {
    const big = await Rootfs.empty("big");
    try {
      await big.write("/etc/login.defs", `# ${"x".repeat(5 * 1024 * 1024)}\n`);
      const r = await evaluate({ name: "big", files: new FileView(big.dir) });
      const defs = r.get("linux-logindefs-pass-max-days");
      expect(defs?.status).toBe("error");
      expect(defs?.reason).toMatch(/login\.defs: \d+ bytes is larger than/);
      expect(r.get("linux-sysctl-aslr")?.status).toBe("pass");
    } finally {
      await big.cleanup();
    }
  });

  it("fails exactly the expected controls on the pristine debootstrapped rootfs, with no errors", async () => {
    const r = await evaluate({ name: "rootfs", files: new FileView(ROOTFS) });
    expect([...r.values()].filter((x) => x.status === "error").map((x) => `${x.control.id}: ${x.reason}`)).toEqual([]);
    const failed = [...r.values()].filter((x) => x.status === "fail").map((x) => x.control.id);
    expect(failed.sort()).toEqual([...PRISTINE_FAILURES].sort());
    // sshd is not installed in a minbase tree: its controls do not apply.
    expect(r.get("linux-sshd-root-login")?.status).toBe("not-applicable");
  }, 60_000);

  it("evaluates every control on the live host without an error", async () => {
    // The walk leaves out the big development trees of the test machine: this test is about every control
    // evaluating against live /proc state, not about their contents.
    const files = new FileView("/", [
      ...HOST_EXCLUDES,
      "/work",
      "/tmp",
      "/root",
      "/home",
      "/opt",
      "/usr/local",
      "/var/lib",
      "/var/cache",
      "/nix",
    ]);
    const r = await evaluatePosture(controls, { name: "host", files, live: { procRoot: "/proc" } }, collectors);
    expect(r.results).toHaveLength(controls.length);
    expect(r.results.filter((x) => x.status === "error").map((x) => `${x.control.id}: ${x.reason}`)).toEqual([]);
    // Runtime state came from /proc, not from the configuration files.
    const live = { name: "host", files, live: { procRoot: "/proc" } };
    const sysctl = ((await sysctlCollector.collect(live, () => {})) ?? [])[0]?.facts;
    expect(sysctl?.source).toBe("runtime");
    expect((sysctl?.origins as Record<string, string> | undefined)?.["kernel.randomize_va_space"]).toBe("/proc/sys");
    const mounts = ((await mountsCollector.collect(live, () => {})) ?? [])[0]?.facts;
    expect(mounts?.source).toBe("/proc/1/mounts");
  }, 600_000);
});
