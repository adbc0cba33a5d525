import { posix } from "node:path";
import type { FileView } from "../../file-view.js";
import type { Collector } from "../collector.js";
import { type FileFacts, hostSubject, installedPackages, statFacts } from "./host.js";

/** OpenSSH 9.2 (Debian 12) compiled-in defaults for every keyword a control reads. */
const DEFAULTS: Record<string, string> = {
  permitrootlogin: "prohibit-password",
  passwordauthentication: "yes",
  permitemptypasswords: "no",
  hostbasedauthentication: "no",
  ignorerhosts: "yes",
  x11forwarding: "no",
  allowtcpforwarding: "yes",
  allowagentforwarding: "yes",
  disableforwarding: "no",
  gssapiauthentication: "no",
  kerberosauthentication: "no",
  permituserenvironment: "no",
  usepam: "no",
  loglevel: "info",
  banner: "none",
  maxauthtries: "6",
  maxsessions: "10",
  maxstartups: "10:30:100",
  logingracetime: "120",
  clientaliveinterval: "0",
  clientalivecountmax: "3",
  ciphers:
    "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com",
  macs: "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1",
  kexalgorithms:
    "sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group14-sha256",
};
/** Keywords whose every occurrence adds to the list (sshd_config(5)); all others: the first value wins. */
const ACCUMULATE = new Set(["allowusers", "allowgroups", "denyusers", "denygroups", "hostkey"]);
/** Keywords whose values are names or paths: their case is kept. */
const KEEP_CASE = new Set([
  ...ACCUMULATE,
  "banner",
  "authorizedkeysfile",
  "chrootdirectory",
  "forcecommand",
  "subsystem",
]);
const TIME_KEYS = ["logingracetime", "clientaliveinterval"];
const NUMBER_KEYS = ["maxauthtries", "maxsessions", "clientalivecountmax"];
const MAX_INCLUDE_DEPTH = 16;

interface Parsed {
  values: Record<string, string>;
  lists: Record<string, string[]>;
  files: string[];
}

/**
 * sshd's effective global configuration as `sshd -T` would print it without a connection: keywords lower
 * case, the first value of a keyword wins, Include expands its globs in order (relative to /etc/ssh), and
 * lines inside a Match block are left out (they apply to some connections only).
 */
export async function effectiveSshdConfig(
  files: FileView,
  warn: (m: string) => void,
  path = "/etc/ssh/sshd_config",
): Promise<Parsed> {
  const out: Parsed = { values: {}, lists: {}, files: [] };
  await readConfig(files, path, out, warn, 0);
  return out;
}

async function readConfig(
  files: FileView,
  path: string,
  out: Parsed,
  warn: (m: string) => void,
  depth: number,
): Promise<void> {
  if (depth > MAX_INCLUDE_DEPTH) {
    warn(`${path}: Include nested deeper than ${MAX_INCLUDE_DEPTH}: left out`);
    return;
  }
  const text = await files.read(path);
  if (text === undefined) return;
  out.files.push(path);
  let inMatch = false;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!m) continue;
    const key = (m[1] as string).toLowerCase();
    const value = (m[2] as string).trim();
    if (key === "match") {
      inMatch = value.toLowerCase() !== "all";
      continue;
    }
    if (inMatch) continue;
    if (key === "include") {
      for (const pattern of value.split(/\s+/))
        for (const inc of await expandGlob(files, posix.resolve("/etc/ssh", pattern)))
          await readConfig(files, inc, out, warn, depth + 1);
      continue;
    }
    const v = KEEP_CASE.has(key) ? value : value.toLowerCase();
    if (ACCUMULATE.has(key)) out.lists[key] = [...(out.lists[key] ?? []), ...v.split(/\s+/).filter(Boolean)];
    else if (!(key in out.values)) out.values[key] = v;
  }
}

/** Include's glob(3): only "*" and "?" in the last component, as sshd_config files use it. */
async function expandGlob(files: FileView, pattern: string): Promise<string[]> {
  const dir = posix.dirname(pattern);
  const base = posix.basename(pattern);
  if (!/[*?[]/.test(base)) return [pattern];
  const re = new RegExp(
    `^${base
      .replace(/[.+^${}()|\\]/g, "\\$&")
      .replace(/\*/g, "[^/]*")
      .replace(/\?/g, "[^/]")}$`,
  );
  return ((await files.list(dir)) ?? []).filter((n) => re.test(n) && !n.startsWith(".")).map((n) => `${dir}/${n}`);
}

/** "1m30s" → 90, as sshd_config's TIME FORMATS; NaN for a value sshd would reject. */
export function sshTime(v: string): number {
  if (/^\d+$/.test(v)) return Number(v);
  const re = /(\d+)([sSmMhHdDwW])/gy;
  const unit: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let total = 0;
  let end = 0;
  for (let m = re.exec(v); m; m = re.exec(v)) {
    total += Number(m[1]) * (unit[(m[2] as string).toLowerCase()] ?? 0);
    end = re.lastIndex;
  }
  return end === v.length && end > 0 ? total : Number.NaN;
}

/** A cipher/MAC/KEX list with OpenSSH's "+add", "-remove" and "^prepend" forms applied to the default. */
function algorithmList(value: string, def: string): string[] {
  const base = def.split(",");
  const items = value.slice(1).split(",").filter(Boolean);
  if (value.startsWith("+")) return [...base, ...items];
  if (value.startsWith("^")) return [...items, ...base];
  if (value.startsWith("-")) {
    const drop = items.map(
      (i) =>
        new RegExp(
          `^${i
            .replace(/[.+^${}()|\\]/g, "\\$&")
            .replace(/\*/g, ".*")
            .replace(/\?/g, ".")}$`,
        ),
    );
    return base.filter((a) => !drop.some((d) => d.test(a)));
  }
  return value.split(",").filter(Boolean);
}

export const sshdCollector: Collector = {
  name: "sshd",
  platform: "linux",
  description:
    "The OpenSSH server's effective configuration (Include expanded, defaults filled in) and its key and config file permissions.",
  async collect(target, warn) {
    const files = target.files;
    if (!files) return undefined;
    const pkgs = await installedPackages(target);
    const hasBinary = (await files.stat("/usr/sbin/sshd")) !== undefined;
    if (!("openssh-server" in pkgs) && !hasBinary) return [];
    const parsed = await effectiveSshdConfig(files, warn);
    const config: Record<string, string | number> = { ...DEFAULTS, ...parsed.values };
    for (const k of TIME_KEYS) config[k] = sshTime(String(config[k]));
    for (const k of NUMBER_KEYS) config[k] = Number(config[k]);
    for (const k of [...TIME_KEYS, ...NUMBER_KEYS])
      if (Number.isNaN(config[k])) {
        warn(`sshd_config: ${k} "${parsed.values[k]}" is not a valid value; sshd would refuse to start`);
        config[k] = -1;
      }
    const [start, rate, full] = String(config.maxstartups).split(":").map(Number);
    const keys = ((await files.list("/etc/ssh")) ?? []).filter((n) => /^ssh_host_.*_key(\.pub)?$/.test(n));
    const stat = (paths: string[]): Promise<FileFacts[]> => Promise.all(paths.map((p) => statFacts(files, p)));
    return hostSubject(
      {
        installed: true,
        config,
        ciphers: algorithmList(String(parsed.values.ciphers ?? DEFAULTS.ciphers), DEFAULTS.ciphers as string),
        macs: algorithmList(String(parsed.values.macs ?? DEFAULTS.macs), DEFAULTS.macs as string),
        kexalgorithms: algorithmList(
          String(parsed.values.kexalgorithms ?? DEFAULTS.kexalgorithms),
          DEFAULTS.kexalgorithms as string,
        ),
        allowusers: parsed.lists.allowusers ?? [],
        allowgroups: parsed.lists.allowgroups ?? [],
        denyusers: parsed.lists.denyusers ?? [],
        denygroups: parsed.lists.denygroups ?? [],
        maxstartups: { start: start ?? 10, rate: rate ?? 30, full: full ?? start ?? 100 },
        configFiles: await stat(parsed.files),
        privateKeys: await stat(keys.filter((n) => n.endsWith("_key")).map((n) => `/etc/ssh/${n}`)),
        publicKeys: await stat(keys.filter((n) => n.endsWith(".pub")).map((n) => `/etc/ssh/${n}`)),
      },
      "/etc/ssh/sshd_config",
    );
  },
};
