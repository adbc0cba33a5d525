import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { FileView } from "../../file-view.js";
import { parseAuditRules } from "./auditd.js";
import { parseMountTable } from "./mounts.js";
import { parsePamFile } from "./pam.js";
import { effectiveSshdConfig, sshdCollector, sshTime } from "./sshd.js";

const testdata = (p: string) => fileURLToPath(new URL(`./testdata/${p}`, import.meta.url));

describe("sshd effective configuration", () => {
  const files = new FileView(testdata("sshd"));

  it("takes the first value of a keyword across Include files, in glob order, and skips Match blocks", async () => {
    const warnings: string[] = [];
    const parsed = await effectiveSshdConfig(files, (m) => warnings.push(m));
    expect(parsed.files).toEqual([
      "/etc/ssh/sshd_config",
      "/etc/ssh/sshd_config.d/10-site.conf",
      "/etc/ssh/sshd_config.d/20-later.conf",
      "/etc/ssh/extra/included.conf",
    ]);
    expect(parsed.values.permitrootlogin).toBe("no");
    expect(parsed.values.maxauthtries).toBe("3");
    expect(parsed.values.logingracetime).toBe("1m30s");
    expect(parsed.values.banner).toBe("/etc/Issue.NET"); // a path keeps its case
    expect(parsed.values.x11forwarding).toBeUndefined(); // only inside Match
    expect(parsed.values.maxsessions).toBe("4"); // after "Match all"
    expect(parsed.lists.allowusers).toEqual(["bob", "carol", "alice"]); // AllowUsers accumulates
    expect(warnings).toEqual([]);
  });

  it("fills in OpenSSH's defaults, converts times and applies +/-/^ algorithm lists", async () => {
    const facts = (await sshdCollector.collect({ name: "t", files }, () => {}))?.[0]?.facts as Record<string, unknown>;
    const config = facts.config as Record<string, unknown>;
    expect(config.logingracetime).toBe(90);
    expect(config.clientaliveinterval).toBe(300);
    expect(config.permitemptypasswords).toBe("no"); // default
    expect(config.usepam).toBe("no"); // OpenSSH's default, not Debian's shipped file
    expect(facts.ciphers).toEqual([
      "chacha20-poly1305@openssh.com",
      "aes256-ctr",
      "aes128-gcm@openssh.com",
      "aes256-gcm@openssh.com",
    ]);
    expect((facts.macs as string[])[0]).toBe("hmac-sha2-512");
    expect(facts.maxstartups).toEqual({ start: 10, rate: 30, full: 100 });
  });

  it("has no subject when openssh-server is not installed", async () => {
    expect(await sshdCollector.collect({ name: "t", files: new FileView(testdata("rules")) }, () => {})).toEqual([]);
  });

  it("reads sshd_config time formats", () => {
    expect([
      sshTime("120"),
      sshTime("2m"),
      sshTime("1h30m"),
      sshTime("10S"),
      Number.isNaN(sshTime("2 minutes")),
    ]).toEqual([120, 120, 5400, 10, true]);
  });
});

describe("audit rules", () => {
  it("reads watches, syscall rules (both -S forms, -C, key=), the backlog and immutability", () => {
    const r = parseAuditRules(readFileSync(testdata("rules/audit.rules"), "utf8"));
    expect(r.immutable).toBe(true);
    expect(r.backlog).toBe(8192);
    expect(r.watches).toEqual([
      { path: "/etc/passwd", perms: "wa", key: "identity" },
      { path: "/usr/bin/chcon", perms: "x", key: "perm_chng" },
    ]);
    expect(r.syscalls[0]).toEqual({
      action: "always,exit",
      arch: "b64",
      syscalls: ["adjtimex", "settimeofday", "clock_settime"],
      fields: [],
      key: "time-change",
    });
    expect(r.syscalls[1]).toMatchObject({
      action: "always,exit",
      arch: "b32",
      syscalls: ["unlink", "rename"],
      fields: ["auid>=1000", "auid!=unset"],
      key: "delete",
    });
    expect(r.syscalls[3]?.fields).toEqual(["auid!=unset", "euid!=uid"]);
  });
});

describe("mount tables", () => {
  it("unescapes paths, drops swap and trailing slashes, keeps options as a list", () => {
    const t = parseMountTable(readFileSync(testdata("rules/fstab"), "utf8"));
    expect(Object.keys(t)).toEqual(["/", "/srv/My Data", "/tmp"]);
    expect(t["/tmp"]).toEqual({ device: "tmpfs", fstype: "tmpfs", options: ["nosuid", "nodev"] });
  });
});

describe("PAM files", () => {
  it("reads bracketed controls and arguments and the module's file name", () => {
    const lines = parsePamFile(
      "auth [success=1 default=ignore] /lib/x86_64-linux-gnu/security/pam_unix.so nullok\n-session optional pam_systemd.so\n@include common-auth\n# comment\n",
      "/etc/pam.d/x",
    );
    expect(lines).toEqual([
      {
        file: "/etc/pam.d/x",
        type: "auth",
        control: "[success=1 default=ignore]",
        module: "pam_unix.so",
        args: ["nullok"],
      },
      { file: "/etc/pam.d/x", type: "session", control: "optional", module: "pam_systemd.so", args: [] },
    ]);
  });
});
