/**
 * Test fixtures for the Linux controls: a HARDENED and a WEAKENED root filesystem, each built from the
 * debootstrapped Debian 12 tree (only what the collectors read is copied) and then changed on purpose.
 * Used by linux.test.ts; kept apart so the scenario of each fixture reads as one list of changes.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { appendFile, chmod, chown, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export const TESTDATA = process.env.RAMPART_TESTDATA ?? "/tmp/rampart-testdata";
export const ROOTFS = join(TESTDATA, "rootfs-bookworm");

export function requireRootfs(): void {
  if (!existsSync(join(ROOTFS, "etc/os-release")))
    throw new Error(`the debootstrapped Debian 12 root filesystem is missing at ${ROOTFS}: run npm run test:setup`);
}

const TODAY = Math.floor(Date.now() / 86_400_000);

/** A root filesystem under construction. Paths are absolute inside it. */
export class Rootfs {
  private constructor(readonly dir: string) {}

  /**
   * /etc, the dpkg database, /boot, /usr/lib/os-release (the target of /etc/os-release) and the vendor sysctl.d
   * of the debootstrapped tree, merged-/usr links, /tmp and /var/log.
   */
  static async fromDebootstrap(label: string): Promise<Rootfs> {
    const dir = await mkdtemp(join(tmpdir(), `rampart-linux-${label}-`));
    const r = new Rootfs(dir);
    await mkdir(join(dir, "var/lib/dpkg"), { recursive: true });
    await mkdir(join(dir, "usr/lib"), { recursive: true });
    // cp -a keeps modes and owners (root:shadow on /etc/shadow), which the permission controls read.
    execFileSync("cp", ["-a", join(ROOTFS, "etc"), join(ROOTFS, "boot"), dir]);
    execFileSync("cp", ["-a", join(ROOTFS, "var/lib/dpkg/status"), join(dir, "var/lib/dpkg/status")]);
    execFileSync("cp", ["-a", join(ROOTFS, "usr/lib/os-release"), join(dir, "usr/lib/")]);
    if (existsSync(join(ROOTFS, "usr/lib/sysctl.d")))
      execFileSync("cp", ["-a", join(ROOTFS, "usr/lib/sysctl.d"), join(dir, "usr/lib/")]);
    for (const d of ["bin", "sbin", "lib"]) {
      await mkdir(join(dir, "usr", d), { recursive: true });
      await symlink(`usr/${d}`, join(dir, d));
    }
    await r.dir_("/tmp", 0o1777);
    await r.dir_("/var/tmp", 0o1777);
    await r.dir_("/var/log", 0o755);
    await r.dir_("/home", 0o755);
    await r.dir_("/root", 0o700);
    return r;
  }

  /** An empty tree (for a fixture that needs only a file or two). */
  static async empty(label: string): Promise<Rootfs> {
    return new Rootfs(await mkdtemp(join(tmpdir(), `rampart-linux-${label}-`)));
  }

  private abs(path: string): string {
    return join(this.dir, path);
  }

  async dir_(path: string, mode = 0o755, uid = 0, gid = 0): Promise<void> {
    await mkdir(this.abs(path), { recursive: true });
    await chown(this.abs(path), uid, gid); // before chmod: chown clears set-ID bits
    await chmod(this.abs(path), mode);
  }

  async write(path: string, text: string, mode = 0o644, uid = 0, gid = 0): Promise<void> {
    await mkdir(dirname(this.abs(path)), { recursive: true });
    await writeFile(this.abs(path), text);
    await chown(this.abs(path), uid, gid); // before chmod: chown clears set-ID bits
    await chmod(this.abs(path), mode);
  }

  async append(path: string, text: string): Promise<void> {
    await appendFile(this.abs(path), text);
  }

  async read(path: string): Promise<string> {
    return readFile(this.abs(path), "utf8");
  }

  async chmod(path: string, mode: number): Promise<void> {
    await chmod(this.abs(path), mode);
  }

  async remove(path: string): Promise<void> {
    await rm(this.abs(path), { recursive: true, force: true });
  }

  /** Sets `KEY value` lines of a whitespace-separated file (login.defs), replacing the key's existing lines. */
  async setWords(path: string, values: Record<string, string>): Promise<void> {
    let text = await this.read(path);
    for (const [k, v] of Object.entries(values)) {
      const re = new RegExp(`^${k}\\s.*$`, "m");
      text = re.test(text) ? text.replace(re, `${k}\t${v}`) : `${text}${k}\t${v}\n`;
    }
    await writeFile(this.abs(path), text);
  }

  /** Marks packages installed in the dpkg database (a minimal paragraph each). */
  async install(...names: string[]): Promise<void> {
    await this.append(
      "/var/lib/dpkg/status",
      names
        .map((n) => `\nPackage: ${n}\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0-test\n`)
        .join(""),
    );
  }

  /** `systemctl enable`: a link in /etc/systemd/system/<target>.wants/. */
  async enable(unit: string, target = "multi-user.target"): Promise<void> {
    const wants = this.abs(`/etc/systemd/system/${target}.wants`);
    await mkdir(wants, { recursive: true });
    await symlink(`/lib/systemd/system/${unit}`, join(wants, unit));
  }

  /** `systemctl mask`: /etc/systemd/system/<unit> → /dev/null. */
  async mask(unit: string): Promise<void> {
    await symlink("/dev/null", this.abs(`/etc/systemd/system/${unit}`));
  }

  /** Appends users: `name:uid:gid:home:shell` to passwd and the shadow line given (password field onwards). */
  async addUser(passwdLine: string, shadowRest: string): Promise<void> {
    await this.append("/etc/passwd", `${passwdLine}\n`);
    await this.append("/etc/shadow", `${passwdLine.split(":")[0]}:${shadowRest}\n`);
  }

  async cleanup(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** The kernel modules CIS wants unloadable, as a kernel's modules.dep names them. */
const MODULE_FILES = [
  "kernel/fs/cramfs/cramfs.ko.xz",
  "kernel/fs/freevxfs/freevxfs.ko.xz",
  "kernel/fs/hfs/hfs.ko.xz",
  "kernel/fs/hfsplus/hfsplus.ko.xz",
  "kernel/fs/jffs2/jffs2.ko.xz",
  "kernel/fs/squashfs/squashfs.ko.xz",
  "kernel/fs/udf/udf.ko.xz",
  "kernel/drivers/usb/storage/usb-storage.ko.xz",
  "kernel/net/dccp/dccp.ko.xz",
  "kernel/net/tipc/tipc.ko.xz",
  "kernel/net/rds/rds.ko.xz",
  "kernel/net/sctp/sctp.ko.xz",
  "kernel/fs/ext4/ext4.ko.xz",
];
const MODULES_DEP = `${MODULE_FILES.map((f) => `${f}:`).join("\n")}\n`;
const KERNEL = "/lib/modules/6.1.0-28-amd64";

/** A fake password hash: the collectors must never copy it into facts (the test checks they do not). */
export const FAKE_HASH = "$y$j9T$rampartTESTsalt$rampartTESThashValueThatMustNeverLeak0000000";

const BANNER = "Authorised uses only. All activity may be monitored and reported.\n";

/** Every audit rule CIS 6.2.3 asks for, as a site would write them in /etc/audit/rules.d. */
const CIS_AUDIT_RULES = `## scope
-w /etc/sudoers -p wa -k scope
-w /etc/sudoers.d -p wa -k scope
## user emulation
-a always,exit -F arch=b64 -C euid!=uid -F auid!=unset -S execve -k user_emulation
-a always,exit -F arch=b32 -C euid!=uid -F auid!=unset -S execve -k user_emulation
## time
-a always,exit -F arch=b64 -S adjtimex,settimeofday,clock_settime -k time-change
-a always,exit -F arch=b32 -S adjtimex,settimeofday,clock_settime -k time-change
-w /etc/localtime -p wa -k time-change
## network environment
-a always,exit -F arch=b64 -S sethostname,setdomainname -k system-locale
-a always,exit -F arch=b32 -S sethostname,setdomainname -k system-locale
-w /etc/issue -p wa -k system-locale
-w /etc/issue.net -p wa -k system-locale
-w /etc/hosts -p wa -k system-locale
-w /etc/networks -p wa -k system-locale
-w /etc/network/ -p wa -k system-locale
## unsuccessful access
-a always,exit -F arch=b64 -S creat,open,openat,truncate,ftruncate -F exit=-EACCES -F auid>=1000 -F auid!=unset -k access
-a always,exit -F arch=b64 -S creat,open,openat,truncate,ftruncate -F exit=-EPERM -F auid>=1000 -F auid!=unset -k access
-a always,exit -F arch=b32 -S creat,open,openat,truncate,ftruncate -F exit=-EACCES -F auid>=1000 -F auid!=unset -k access
-a always,exit -F arch=b32 -S creat,open,openat,truncate,ftruncate -F exit=-EPERM -F auid>=1000 -F auid!=unset -k access
## identity
-w /etc/group -p wa -k identity
-w /etc/passwd -p wa -k identity
-w /etc/gshadow -p wa -k identity
-w /etc/shadow -p wa -k identity
-w /etc/security/opasswd -p wa -k identity
-w /etc/nsswitch.conf -p wa -k identity
-w /etc/pam.conf -p wa -k identity
-w /etc/pam.d -p wa -k identity
## permission changes
-a always,exit -F arch=b64 -S chmod,fchmod,fchmodat -F auid>=1000 -F auid!=unset -F key=perm_mod
-a always,exit -F arch=b64 -S chown,fchown,lchown,fchownat -F auid>=1000 -F auid!=unset -F key=perm_mod
-a always,exit -F arch=b32 -S chmod,fchmod,fchmodat -F auid>=1000 -F auid!=unset -F key=perm_mod
-a always,exit -F arch=b32 -S lchown,fchown,chown,fchownat -F auid>=1000 -F auid!=unset -F key=perm_mod
-a always,exit -F arch=b64 -S setxattr,lsetxattr,fsetxattr,removexattr,lremovexattr,fremovexattr -F auid>=1000 -F auid!=unset -F key=perm_mod
-a always,exit -F arch=b32 -S setxattr,lsetxattr,fsetxattr,removexattr,lremovexattr,fremovexattr -F auid>=1000 -F auid!=unset -F key=perm_mod
## mounts
-a always,exit -F arch=b64 -S mount -F auid>=1000 -F auid!=unset -k mounts
-a always,exit -F arch=b32 -S mount -F auid>=1000 -F auid!=unset -k mounts
## session and logins
-w /var/run/utmp -p wa -k session
-w /var/log/wtmp -p wa -k session
-w /var/log/btmp -p wa -k session
-w /var/log/lastlog -p wa -k logins
-w /var/run/faillock -p wa -k logins
## deletion
-a always,exit -F arch=b64 -S rename,unlink,unlinkat,renameat -F auid>=1000 -F auid!=unset -F key=delete
-a always,exit -F arch=b32 -S rename,unlink,unlinkat,renameat -F auid>=1000 -F auid!=unset -F key=delete
## MAC policy
-w /etc/apparmor/ -p wa -k MAC-policy
-w /etc/apparmor.d/ -p wa -k MAC-policy
## security attribute tools
-a always,exit -F path=/usr/bin/chcon -F perm=x -F auid>=1000 -F auid!=unset -k perm_chng
-a always,exit -F path=/usr/bin/setfacl -F perm=x -F auid>=1000 -F auid!=unset -k perm_chng
-a always,exit -F path=/usr/bin/chacl -F perm=x -F auid>=1000 -F auid!=unset -k perm_chng
-a always,exit -F path=/usr/sbin/usermod -F perm=x -F auid>=1000 -F auid!=unset -k usermod
## kernel modules
-a always,exit -F arch=b64 -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=unset -k kernel_modules
-a always,exit -F path=/usr/bin/kmod -F perm=x -F auid>=1000 -F auid!=unset -k kernel_modules
`;
const AUDIT_TOOLS = ["auditctl", "aureport", "ausearch", "autrace", "auditd", "augenrules"];

/** Every control that can pass on a root filesystem passes here. */
export async function buildHardened(): Promise<Rootfs> {
  const r = await Rootfs.fromDebootstrap("hardened");
  await r.install(
    "openssh-server",
    "sudo",
    "libpam-pwquality",
    "apparmor",
    "apparmor-utils",
    "grub-common",
    "grub-pc",
    "systemd",
    "systemd-coredump",
    "rsyslog",
    "auditd",
    "audispd-plugins",
    "aide",
    "aide-common",
    "chrony",
    "cron",
    "ufw",
    "rsync", // installed for a client, its daemon not enabled: "not in use"
  );
  // 1.1.1 / 3.2: the modules ship with the kernel and are denied (usb-storage spelled with "-", as modprobe allows).
  await r.write(`${KERNEL}/modules.dep`, MODULES_DEP);
  await r.write(
    "/etc/modprobe.d/cis.conf",
    ["cramfs", "freevxfs", "hfs", "hfsplus", "jffs2", "squashfs", "udf", "usb-storage", "dccp", "tipc", "rds", "sctp"]
      .map((m) => `install ${m} /bin/false\nblacklist ${m}\n`)
      .join(""),
  );
  // 1.1.2
  await r.write(
    "/etc/fstab",
    `# <file system> <mount point> <type> <options> <dump> <pass>
UUID=0a1b-root / ext4 errors=remount-ro 0 1
tmpfs /tmp tmpfs defaults,rw,nosuid,nodev,noexec,relatime,size=2G 0 0
tmpfs /dev/shm tmpfs defaults,nodev,nosuid,noexec 0 0
UUID=0a1b-home /home ext4 defaults,nodev,nosuid 0 2
UUID=0a1b-var /var ext4 defaults,nodev,nosuid 0 2
UUID=0a1b-vartmp /var/tmp ext4 defaults,nodev,nosuid,noexec 0 2
UUID=0a1b-varlog /var/log ext4 defaults,nodev,nosuid,noexec 0 2
UUID=0a1b-audit /var/log/audit ext4 defaults,nodev,nosuid,noexec 0 2
UUID=0a1b-swap none swap sw 0 0
`,
  );
  // 1.3 / 1.4 / 6.2.1.3-4: GRUB with a password and the kernel parameters.
  await r.write(
    "/etc/default/grub",
    'GRUB_DEFAULT=0\nGRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX="apparmor=1 security=apparmor audit=1 audit_backlog_limit=8192"\n',
  );
  await r.write(
    "/boot/grub/grub.cfg",
    "set superusers=\"admin\"\npassword_pbkdf2 admin grub.pbkdf2.sha512.10000.00AA\nmenuentry 'Debian' {\n  linux /vmlinuz root=UUID=0a1b-root ro apparmor=1 security=apparmor audit=1\n}\n",
    0o600,
  );
  await r.write(
    "/etc/apparmor.d/usr.sbin.chronyd",
    "#include <tunables/global>\n\n/usr/sbin/chronyd flags=(attach_disconnected) {\n  #include <abstractions/base>\n}\n",
  );
  await r.write("/etc/apparmor.d/tunables/global", "# tunables are not profiles\n");
  // 1.5
  await r.write("/etc/sysctl.d/60-cis.conf", HARDENED_SYSCTL);
  await r.write("/etc/security/limits.d/60-cis.conf", "*     hard   core    0\n");
  await r.write("/etc/systemd/coredump.conf.d/60-cis.conf", "[Coredump]\nStorage=none\nProcessSizeMax=0\n");
  // 1.6
  for (const f of ["/etc/motd", "/etc/issue", "/etc/issue.net"]) await r.write(f, BANNER);
  // 2.3: chrony with a pool, running as its default _chrony user.
  await r.write(
    "/etc/chrony/chrony.conf",
    "confdir /etc/chrony/conf.d\nsourcedir /etc/chrony/sources.d\ndriftfile /var/lib/chrony/chrony.drift\n",
  );
  await r.write("/etc/chrony/sources.d/site.sources", "pool time.example.org iburst maxsources 4\n");
  await r.enable("chrony.service");
  // 2.4
  await r.write("/etc/crontab", "SHELL=/bin/sh\n17 * * * * root cd / && run-parts --report /etc/cron.hourly\n", 0o600);
  for (const d of ["/etc/cron.hourly", "/etc/cron.daily", "/etc/cron.weekly", "/etc/cron.monthly", "/etc/cron.d"])
    await r.dir_(d, 0o700);
  await r.write("/etc/cron.allow", "root\n", 0o640);
  await r.enable("cron.service");
  // 4: ufw, enabled, default deny inbound.
  await r.write("/etc/ufw/ufw.conf", "ENABLED=yes\nLOGLEVEL=low\n");
  await r.write("/etc/default/ufw", 'IPV6=yes\nDEFAULT_INPUT_POLICY="DROP"\nDEFAULT_OUTPUT_POLICY="ACCEPT"\n');
  await r.enable("ufw.service");
  // 5.1: the CIS settings in a drop-in; the main file sets weaker values AFTER the Include (first value wins) and in a Match block.
  await r.write(
    "/etc/ssh/sshd_config",
    `Include /etc/ssh/sshd_config.d/*.conf
KbdInteractiveAuthentication no
UsePAM yes
X11Forwarding yes
PermitRootLogin yes
PrintMotd no
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server
Match User backup
  PasswordAuthentication yes
  MaxAuthTries 10
`,
    0o600,
  );
  await r.write(
    "/etc/ssh/sshd_config.d/60-cis.conf",
    `PermitRootLogin no
AllowGroups sshusers
Banner /etc/issue.net
Ciphers aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr
MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512,hmac-sha2-256
KexAlgorithms -diffie-hellman-group14-sha256
ClientAliveInterval 15
ClientAliveCountMax 3
DisableForwarding yes
GSSAPIAuthentication no
HostbasedAuthentication no
IgnoreRhosts yes
LoginGraceTime 1m
LogLevel VERBOSE
MaxAuthTries 4
MaxSessions 10
MaxStartups 10:30:60
PermitEmptyPasswords no
PermitUserEnvironment no
`,
    0o600,
  );
  await r.write("/etc/ssh/ssh_host_ed25519_key", "-----BEGIN OPENSSH PRIVATE KEY-----\n(test)\n", 0o600);
  await r.write("/etc/ssh/ssh_host_ed25519_key.pub", "ssh-ed25519 AAAAtest root@host\n", 0o644);
  // 5.2
  await r.write(
    "/etc/sudoers",
    'Defaults\tenv_reset\nDefaults\tuse_pty\nDefaults logfile="/var/log/sudo.log", timestamp_timeout=15\nroot\tALL=(ALL:ALL) ALL\n%sudo\tALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n',
    0o440,
  );
  await r.write("/etc/sudoers.d/README", "# files in this directory are read by sudo\n", 0o440);
  await r.append("/etc/pam.d/su", "auth required pam_wheel.so use_uid group=sugroup\n");
  await r.append("/etc/group", "sugroup:x:1500:\nsshusers:x:1501:alice\nalice:x:1000:\n");
  // 5.3
  await r.write("/etc/pam.d/common-auth", HARDENED_PAM.auth);
  await r.write("/etc/pam.d/common-account", HARDENED_PAM.account);
  await r.write("/etc/pam.d/common-password", HARDENED_PAM.password);
  await r.write("/etc/pam.d/common-session", HARDENED_PAM.session);
  await r.write(
    "/etc/security/pwquality.conf.d/60-cis.conf",
    "minlen = 14\nminclass = 4\ndifok = 2\nmaxrepeat = 3\nmaxsequence = 3\ndictcheck = 1\nenforcing = 1\nenforce_for_root\n",
  );
  await r.write("/etc/security/faillock.conf", "deny = 5\nunlock_time = 900\neven_deny_root\nroot_unlock_time = 60\n");
  await r.write("/etc/security/pwhistory.conf", "remember = 24\nenforce_for_root\n");
  // 5.4: ageing defaults, a real user with an aged password, root's shell timeout and umask.
  await r.setWords("/etc/login.defs", {
    PASS_MAX_DAYS: "365",
    PASS_MIN_DAYS: "1",
    PASS_WARN_AGE: "7",
    ENCRYPT_METHOD: "YESCRYPT",
    UMASK: "027",
  });
  await r.write("/etc/default/useradd", "SHELL=/bin/bash\nINACTIVE=45\n");
  await r.addUser("alice:x:1000:1000:Alice:/home/alice:/bin/bash", `${FAKE_HASH}:${TODAY - 10}:1:365:7:45::`);
  await r.dir_("/home/alice", 0o750, 1000, 1000);
  await r.write("/home/alice/.bashrc", "# alice\n", 0o644, 1000, 1000);
  await r.write("/home/alice/.bash_history", "ls\n", 0o600, 1000, 1000);
  await r.write("/etc/profile.d/60-cis.sh", "TMOUT=900\nreadonly TMOUT\nexport TMOUT\numask 027\n");
  // 6.1: journald forwarding to an enabled rsyslog; private log files.
  await r.write(
    "/etc/systemd/journald.conf.d/60-cis.conf",
    "[Journal]\nStorage=persistent\nCompress=yes\nForwardToSyslog=yes\n",
  );
  await r.write(
    "/etc/rsyslog.conf",
    'module(load="imuxsock")\nmodule(load="imklog")\n$FileOwner root\n$FileGroup adm\n$FileCreateMode 0640\n*.*;auth,authpriv.none -/var/log/syslog\n',
  );
  await r.enable("rsyslog.service");
  await r.write("/var/log/syslog", "", 0o640, 0, 4);
  await r.write("/var/log/auth.log", "", 0o640, 0, 4);
  await r.write("/var/log/wtmp", "", 0o664, 0, 43);
  await r.write("/var/log/btmp", "", 0o660, 0, 43);
  await r.write("/var/log/lastlog", "", 0o664, 0, 43);
  // 6.2: auditd with every rule, immutable; private logs, config and tools.
  await r.enable("auditd.service");
  await r.write(
    "/etc/audit/auditd.conf",
    "log_file = /var/log/audit/audit.log\nlog_group = root\nmax_log_file = 32\nmax_log_file_action = keep_logs\nspace_left_action = email\naction_mail_acct = root\nadmin_space_left_action = single\ndisk_full_action = halt\ndisk_error_action = halt\n",
    0o640,
  );
  await r.write("/etc/audit/rules.d/50-cis.rules", CIS_AUDIT_RULES, 0o640);
  await r.write("/etc/audit/rules.d/99-finalize.rules", "-e 2\n", 0o640);
  await r.dir_("/var/log/audit", 0o750);
  await r.write("/var/log/audit/audit.log", "", 0o600);
  await r.write("/var/log/audit/audit.log.1", "", 0o400);
  for (const t of AUDIT_TOOLS) await r.write(`/usr/sbin/${t}`, "#!/bin/sh\n", 0o755);
  // 6.3
  await r.enable("dailyaidecheck.timer", "timers.target");
  await r.write("/etc/aide/aide.conf", "@@x_include /etc/aide/aide.conf.d ^[a-zA-Z0-9_-]+$\n");
  await r.write(
    "/etc/aide/aide.conf.d/99_aide_audit_tools",
    AUDIT_TOOLS.map((t) => `/usr/sbin/${t} p+i+n+u+g+s+b+acl+xattrs+sha512\n`).join(""),
  );
  // 7.1: the tree's own modes are right; an old password file for the history check; a legitimate SUID program.
  await r.write("/etc/security/opasswd", "", 0o600);
  await r.write("/usr/bin/passwd", "", 0o4755);
  return r;
}

const HARDENED_SYSCTL = `kernel.randomize_va_space = 2
kernel.yama.ptrace_scope = 1
fs.suid_dumpable = 0
net.ipv4.ip_forward = 0
net.ipv6.conf.all.forwarding = 0
net.ipv4.conf.all.send_redirects = 0
net.ipv4.conf.default.send_redirects = 0
net.ipv4.icmp_ignore_bogus_error_responses = 1
net.ipv4.icmp_echo_ignore_broadcasts = 1
net.ipv4.conf.all.accept_redirects = 0
net.ipv4.conf.default.accept_redirects = 0
net/ipv6/conf/all/accept_redirects = 0
net.ipv6.conf.default.accept_redirects = 0
net.ipv4.conf.all.secure_redirects = 0
net.ipv4.conf.default.secure_redirects = 0
net.ipv4.conf.all.rp_filter = 1
net.ipv4.conf.default.rp_filter = 1
net.ipv4.conf.all.accept_source_route = 0
net.ipv4.conf.default.accept_source_route = 0
net.ipv6.conf.all.accept_source_route = 0
net.ipv6.conf.default.accept_source_route = 0
net.ipv4.conf.all.log_martians = 1
net.ipv4.conf.default.log_martians = 1
net.ipv4.tcp_syncookies = 1
net.ipv6.conf.all.accept_ra = 0
net.ipv6.conf.default.accept_ra = 0
`;

const HARDENED_PAM = {
  auth: `auth\trequisite\t\t\tpam_faillock.so preauth
auth\t[success=1 default=ignore]\tpam_unix.so
auth\t[default=die]\t\t\tpam_faillock.so authfail
auth\trequisite\t\t\tpam_deny.so
auth\trequired\t\t\tpam_permit.so
`,
  account: `account\t[success=1 new_authtok_reqd=done default=ignore]\tpam_unix.so
account\trequisite\t\t\tpam_deny.so
account\trequired\t\t\tpam_permit.so
account\trequired\t\t\tpam_faillock.so
`,
  password: `password\trequisite\t\t\tpam_pwquality.so retry=3
password\trequisite\t\t\tpam_pwhistory.so remember=24 enforce_for_root try_first_pass use_authtok
password\t[success=1 default=ignore]\tpam_unix.so obscure use_authtok try_first_pass yescrypt
password\trequisite\t\t\tpam_deny.so
password\trequired\t\t\tpam_permit.so
`,
  session: `session\t[default=1]\t\t\tpam_permit.so
session\trequisite\t\t\tpam_deny.so
session\trequired\t\t\tpam_permit.so
session\toptional\t\t\tpam_umask.so umask=0027
session\trequired\tpam_unix.so
`,
};

/** Server packages with a unit to enable, for the weakened host: one per "not in use" control. */
const WEAK_SERVERS: Array<[string, string]> = [
  ["autofs", "autofs.service"],
  ["avahi-daemon", "avahi-daemon.service"],
  ["isc-dhcp-server", "isc-dhcp-server.service"],
  ["bind9", "named.service"],
  ["dnsmasq", "dnsmasq.service"],
  ["vsftpd", "vsftpd.service"],
  ["slapd", "slapd.service"],
  ["dovecot-imapd", "dovecot.service"],
  ["nfs-kernel-server", "nfs-server.service"],
  ["ypserv", "ypserv.service"],
  ["cups", "cups.socket"],
  ["rpcbind", "rpcbind.socket"],
  ["rsync", "rsync.service"],
  ["samba", "smbd.service"],
  ["snmpd", "snmpd.service"],
  ["tftpd-hpa", "tftpd-hpa.service"],
  ["squid", "squid.service"],
  ["nginx", "nginx.service"],
  ["openbsd-inetd", "inetd.service"],
];

/** Every control fails here (where a control only applies to an installed package, the package is installed and misconfigured). */
export async function buildWeakened(): Promise<Rootfs> {
  const r = await Rootfs.fromDebootstrap("weakened");
  await r.install(
    ...WEAK_SERVERS.map(([p]) => p),
    "xserver-xorg-core",
    "nis",
    "rsh-client",
    "talk",
    "telnet",
    "ldap-utils",
    "ftp",
    "prelink",
    "openssh-server",
    "grub-common",
    "systemd",
    "systemd-coredump",
    "rsyslog",
    "systemd-journal-remote",
    "chrony",
    "systemd-timesyncd",
    "cron",
    "at",
  );
  for (const [, unit] of WEAK_SERVERS)
    await r.enable(unit, unit.endsWith(".socket") ? "sockets.target" : "multi-user.target");
  // 1.1.1: the kernel ships every module and nothing denies them.
  await r.write(`${KERNEL}/modules.dep`, MODULES_DEP);
  // 1.1.2: no separate partitions (the mount option controls are shown failing on WEAK_MOUNTS below); /dev/shm without options.
  await r.write("/etc/fstab", "UUID=0a1b-root / ext4 errors=remount-ro 0 1\ntmpfs /dev/shm tmpfs defaults 0 0\n");
  // 1.3 / 1.4: GRUB without password or parameters, grub.cfg readable by all; no AppArmor.
  await r.write("/etc/default/grub", 'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX=""\n');
  await r.write(
    "/boot/grub/grub.cfg",
    "menuentry 'Debian' {\n  linux /vmlinuz root=UUID=0a1b-root ro quiet\n}\n",
    0o644,
  );
  // 1.5
  await r.write(
    "/etc/sysctl.d/99-weak.conf",
    HARDENED_SYSCTL.replace(/= 0$/gm, "= X")
      .replace(/= 1$/gm, "= 0")
      .replace(/= X$/gm, "= 1")
      .replace("kernel.randomize_va_space = 2", "kernel.randomize_va_space = 0")
      .replace("fs.suid_dumpable = 1", "fs.suid_dumpable = 2"),
  );
  // 1.6: the Debian banners (they name the OS) made world-writable; \\v in /etc/issue.
  await r.write("/etc/issue", "Debian GNU/Linux \\v \\n \\l\n", 0o666);
  await r.chmod("/etc/issue.net", 0o666);
  await r.chmod("/etc/motd", 0o666);
  // 2.3: two time daemons, neither enabled; chrony as root with no sources; timesyncd without servers.
  await r.write("/etc/chrony/chrony.conf", "user root\ndriftfile /var/lib/chrony/chrony.drift\n");
  await r.write("/etc/systemd/timesyncd.conf", "[Time]\n#NTP=\n");
  // 2.4: cron installed but not enabled, everything readable; at installed without at.allow.
  await r.write("/etc/crontab", "SHELL=/bin/sh\n", 0o644);
  for (const d of ["/etc/cron.hourly", "/etc/cron.daily", "/etc/cron.weekly", "/etc/cron.monthly", "/etc/cron.d"])
    await r.dir_(d, 0o755);
  await r.write("/etc/cron.deny", "", 0o644);
  // 5.1: every setting at its weakest.
  await r.write(
    "/etc/ssh/sshd_config",
    `Include /etc/ssh/sshd_config.d/*.conf
PermitRootLogin yes
Ciphers +aes128-cbc,3des-cbc
MACs +hmac-md5
KexAlgorithms +diffie-hellman-group1-sha1
ClientAliveInterval 0
DisableForwarding no
GSSAPIAuthentication yes
HostbasedAuthentication yes
IgnoreRhosts no
LoginGraceTime 2m
LogLevel QUIET
MaxSessions 20
MaxStartups 100:30:200
PermitEmptyPasswords yes
PermitUserEnvironment yes
UsePAM no
`,
    0o644,
  );
  await r.write("/etc/ssh/ssh_host_rsa_key", "-----BEGIN OPENSSH PRIVATE KEY-----\n(test)\n", 0o644);
  await r.write("/etc/ssh/ssh_host_rsa_key.pub", "ssh-rsa AAAAtest root@host\n", 0o666);
  // 5.2: sudoers left behind without sudo, with NOPASSWD and !authenticate; su open to all.
  await r.write(
    "/etc/sudoers",
    "Defaults !authenticate\nDefaults timestamp_timeout=-1\nroot ALL=(ALL:ALL) ALL\n#includedir /etc/sudoers.d\n",
    0o440,
  );
  await r.write("/etc/sudoers.d/ops", "%ops ALL=(ALL) NOPASSWD: ALL\n", 0o440);
  await r.write("/etc/sudoers.d/ignored.bak", "alice ALL=(ALL) NOPASSWD: ALL\n", 0o440); // sudo skips names with "."
  // 5.3: no pwquality/faillock/pwhistory in the stacks, weak settings in their files, pam_unix nullok, remember, md5.
  await r.write(
    "/etc/pam.d/common-password",
    "password\t[success=1 default=ignore]\tpam_unix.so obscure md5 remember=5\npassword\trequisite\tpam_deny.so\n",
  );
  await r.write("/etc/pam.d/common-session", "session\trequired\tpam_permit.so\n");
  await r.write(
    "/etc/security/pwquality.conf",
    "minlen = 6\nminclass = 1\ndifok = 0\nmaxrepeat = 0\nmaxsequence = 0\ndictcheck = 0\nenforcing = 0\n",
  );
  await r.write("/etc/security/faillock.conf", "deny = 10\nunlock_time = 60\n");
  await r.write("/etc/security/pwhistory.conf", "remember = 3\n");
  // 5.4: ageing off; duplicate and UID-0 accounts, empty root password, a hash in /etc/passwd, open home and dot files.
  await r.setWords("/etc/login.defs", {
    PASS_MAX_DAYS: "99999",
    PASS_MIN_DAYS: "0",
    PASS_WARN_AGE: "3",
    ENCRYPT_METHOD: "MD5",
    UMASK: "022",
  });
  await r.write("/etc/default/useradd", "SHELL=/bin/sh\nINACTIVE=-1\n");
  const passwd = (await r.read("/etc/passwd"))
    .replace(/^root:x:0:0:/m, "root:x:0:100:")
    .replace(/^daemon:(.*):\/usr\/sbin\/nologin$/m, "daemon:$1:/bin/bash");
  await r.write("/etc/passwd", passwd, 0o666);
  const shadow = (await r.read("/etc/shadow"))
    .replace(/^root:\*:/m, "root::")
    .replace(/^games:\*:/m, `games:${FAKE_HASH}:`);
  await r.write("/etc/shadow", shadow, 0o644, 0, 42);
  await r.addUser("toor:x:0:0:second root:/root:/bin/bash", "!:20000:0:99999:7:::");
  await r.addUser("alice:x:1000:1000:Alice:/home/alice:/bin/bash", `${FAKE_HASH}:${TODAY + 1000}:0:99999:3:::`);
  await r.addUser("alice:x:1001:1000:Alice again:/home/alice2:/bin/bash", "!:20000:0:99999:7:::");
  await r.append("/etc/passwd", `bob:${FAKE_HASH}:1002:4242:Bob:/home/bob:/bin/bash\n`);
  await r.append("/etc/group", "alice:x:1000:\nalice:x:1001:\nwheel0:x:0:\n");
  await r.write("/etc/group", (await r.read("/etc/group")).replace(/^shadow:x:42:$/m, "shadow:x:42:alice"), 0o666);
  await r.dir_("/home/alice", 0o777, 0, 0);
  await r.write("/home/alice/.rhosts", "+ +\n", 0o644, 1000, 1000);
  await r.write("/home/alice/.bash_history", "ls\n", 0o644, 1000, 1000);
  await r.write("/etc/shells", `${await r.read("/etc/shells")}/usr/sbin/nologin\n`, 0o666);
  await r.write("/etc/profile.d/umask.sh", "umask 022\n");
  // 6.1: journald masked, volatile, uncompressed, not forwarding to the enabled rsyslog; rsyslog open to the network.
  await r.mask("systemd-journald.service");
  await r.write("/etc/systemd/journald.conf", "[Journal]\nStorage=volatile\nCompress=no\nForwardToSyslog=no\n");
  await r.write("/etc/rsyslog.conf", 'module(load="imtcp")\ninput(type="imtcp" port="514")\n$FileCreateMode 0644\n');
  await r.enable("rsyslog.service");
  await r.enable("systemd-journal-remote.socket", "sockets.target");
  await r.write("/var/log/syslog", "", 0o666);
  await r.write("/var/log/wtmp", "", 0o666);
  // 6.2: auditd removed but its files left, with weak settings and readable logs; a writable audit tool.
  await r.write(
    "/etc/audit/auditd.conf",
    "max_log_file = 0\nmax_log_file_action = rotate\nspace_left_action = syslog\nadmin_space_left_action = suspend\ndisk_full_action = suspend\ndisk_error_action = suspend\n",
    0o644,
  );
  await r.write(
    "/etc/audit/rules.d/10-weak.rules",
    "-D\n-b 320\n-w /etc/passwd -p r -k passwd-read\n-a always,exit -F arch=b64 -S adjtimex -k time\n",
    0o644,
  );
  await r.dir_("/var/log/audit", 0o755);
  await r.write("/var/log/audit/audit.log", "", 0o644);
  for (const t of AUDIT_TOOLS) await r.write(`/usr/sbin/${t}`, "#!/bin/sh\n", 0o777);
  // 7.1: account databases open to all; files for the filesystem walk.
  await r.chmod("/etc/passwd-", 0o666);
  await r.chmod("/etc/group-", 0o666);
  await r.chmod("/etc/gshadow", 0o644);
  await r.write("/etc/shadow-", "", 0o644);
  await r.write("/etc/gshadow-", "", 0o644);
  await r.write("/etc/security/opasswd", "", 0o644);
  await r.write("/etc/world-writable.conf", "", 0o666);
  await r.dir_("/var/tmp", 0o777);
  await r.write("/etc/orphan.conf", "", 0o644, 4321, 4321);
  await r.write("/tmp/.hidden-rootshell", "", 0o4755);
  return r;
}

/** Separate mounts without any of the options: the mount option controls fail here. */
export async function buildWeakMounts(): Promise<Rootfs> {
  const r = await Rootfs.empty("weak-mounts");
  await r.write(
    "/etc/fstab",
    ["/tmp", "/dev/shm", "/home", "/var", "/var/tmp", "/var/log", "/var/log/audit"]
      .map((p) => `UUID=x${p.replace(/\//g, "-")} ${p} ext4 defaults,rw 0 2\n`)
      .join(""),
  );
  return r;
}

/** sudo installed with the weakened host's sudoers: its configuration controls, which need sudo, fail here. */
export async function buildWeakSudo(): Promise<Rootfs> {
  const r = await Rootfs.empty("weak-sudo");
  await r.write("/var/lib/dpkg/status", "");
  await r.install("sudo");
  await r.write(
    "/etc/sudoers",
    "Defaults !authenticate\nDefaults timestamp_timeout=-1\nroot ALL=(ALL:ALL) ALL\n#includedir /etc/sudoers.d\n",
    0o440,
  );
  await r.write("/etc/sudoers.d/ops", "%ops ALL=(ALL) NOPASSWD: ALL\n", 0o440);
  return r;
}
