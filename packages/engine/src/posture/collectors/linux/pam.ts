import type { FileView } from "../../file-view.js";
import type { Collector } from "../collector.js";
import { hostSubject, installedPackages, parseKeyValues } from "./host.js";

export interface PamLine {
  file: string;
  type: string;
  control: string;
  /** The module's file name without its directory: "pam_unix.so". */
  module: string;
  args: string[];
}

/**
 * pam.conf(5) lines of one /etc/pam.d file: "type control module args…", where control may be a bracketed
 * "[success=1 default=ignore]" and an argument may be "[a b]". "@include" is expanded by the caller.
 */
export function parsePamFile(text: string, file: string): PamLine[] {
  const out: PamLine[] = [];
  for (const raw of text.replace(/\\\n/g, " ").split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    if (!line || line.startsWith("@")) continue;
    const tokens = line.match(/\[[^\]]*\]|\S+/g) ?? [];
    const [type, control, module, ...args] = tokens;
    if (!type || !control || !module) continue;
    out.push({ file, type: type.replace(/^-/, ""), control, module: module.split("/").pop() as string, args });
  }
  return out;
}

/** module arguments as options: "minlen=14" → minlen: "14", a bare flag → "". */
function options(lines: PamLine[], module: string, into: Record<string, string> = {}): Record<string, string> {
  for (const l of lines)
    if (l.module === module)
      for (const a of l.args) {
        const eq = a.indexOf("=");
        into[(eq < 0 ? a : a.slice(0, eq)).toLowerCase()] = eq < 0 ? "" : a.slice(eq + 1);
      }
  return into;
}

async function confFiles(files: FileView, main: string, dir?: string): Promise<Record<string, string>> {
  const into = parseKeyValues((await files.read(main)) ?? "");
  if (dir) for (const d of await files.readDir(dir, (n) => n.endsWith(".conf"))) parseKeyValues(d.text, into);
  return into;
}

const num = (o: Record<string, string>, k: string, d: number) => {
  const n = Number(o[k]);
  return o[k] !== undefined && o[k] !== "" && !Number.isNaN(n) ? n : d;
};

export const pamCollector: Collector = {
  name: "pam",
  platform: "linux",
  description:
    "The common PAM stacks (/etc/pam.d/common-*) with pam_pwquality, pam_faillock, pam_pwhistory and pam_unix settings merged from their config files.",
  async collect(target) {
    const files = target.files;
    if (!files) return undefined;
    const stacks: Record<string, PamLine[]> = {};
    for (const type of ["auth", "account", "password", "session"]) {
      const path = `/etc/pam.d/common-${type}`;
      stacks[type] = parsePamFile((await files.read(path)) ?? "", path);
    }
    const all = Object.values(stacks).flat();
    const pkgs = await installedPackages(target);
    const auth = stacks.auth as PamLine[];
    const password = stacks.password as PamLine[];

    const pq = options(
      password,
      "pam_pwquality.so",
      await confFiles(files, "/etc/security/pwquality.conf", "/etc/security/pwquality.conf.d"),
    );
    const fl = options(auth, "pam_faillock.so", await confFiles(files, "/etc/security/faillock.conf"));
    const ph = options(password, "pam_pwhistory.so", await confFiles(files, "/etc/security/pwhistory.conf"));
    const unixPassword = password.filter((l) => l.module === "pam_unix.so");
    const unixArgs = unixPassword.flatMap((l) => l.args);
    const hashes = ["yescrypt", "sha512", "sha256", "gost_yescrypt", "blowfish", "bigcrypt", "md5"];
    return hostSubject(
      {
        stacks,
        pwquality: {
          installed: "libpam-pwquality" in pkgs,
          enabled: password.some((l) => l.module === "pam_pwquality.so"),
          minlen: num(pq, "minlen", 8),
          minclass: num(pq, "minclass", 0),
          dcredit: num(pq, "dcredit", 0),
          ucredit: num(pq, "ucredit", 0),
          lcredit: num(pq, "lcredit", 0),
          ocredit: num(pq, "ocredit", 0),
          difok: num(pq, "difok", 1),
          maxrepeat: num(pq, "maxrepeat", 0),
          maxsequence: num(pq, "maxsequence", 0),
          dictcheck: num(pq, "dictcheck", 1),
          enforcing: num(pq, "enforcing", 1),
          enforce_for_root: "enforce_for_root" in pq,
        },
        faillock: {
          enabled:
            auth.some((l) => l.module === "pam_faillock.so" && l.args.includes("preauth")) &&
            auth.some((l) => l.module === "pam_faillock.so" && l.args.includes("authfail")) &&
            (stacks.account as PamLine[]).some((l) => l.module === "pam_faillock.so"),
          deny: num(fl, "deny", 3),
          unlock_time: num(fl, "unlock_time", 600),
          even_deny_root: "even_deny_root" in fl,
          root_unlock_time: num(fl, "root_unlock_time", num(fl, "unlock_time", 600)),
        },
        pwhistory: {
          enabled: password.some((l) => l.module === "pam_pwhistory.so"),
          remember: num(ph, "remember", 10),
          enforce_for_root: "enforce_for_root" in ph,
          use_authtok: "use_authtok" in ph,
        },
        unix: {
          present: unixPassword.length > 0,
          nullok: all.some((l) => l.module === "pam_unix.so" && l.args.includes("nullok")),
          remember: all.some((l) => l.module === "pam_unix.so" && l.args.some((a) => a.startsWith("remember="))),
          hashing: unixArgs.find((a) => hashes.includes(a)) ?? "",
        },
      },
      "/etc/pam.d/common-password",
    );
  },
};
