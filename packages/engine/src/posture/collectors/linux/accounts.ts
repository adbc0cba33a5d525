import { posix } from "node:path";
import type { FileView } from "../../file-view.js";
import type { Collector } from "../collector.js";
import { hostSubject, parseKeyValues } from "./host.js";

/** Shells that refuse an interactive login. */
const NO_LOGIN = /(?:^|\/)(?:nologin|false)$/;
const MAX_DOT_FILES = 1000;

export interface UserFacts {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
  /** The shell allows an interactive login. */
  loginShell: boolean;
  /** /etc/passwd's password field is "x" (the hash lives in /etc/shadow). */
  shadowed: boolean;
  /** The account has a usable password (a hash, not locked, not empty). The hash itself is never kept. */
  hasPassword: boolean;
  locked: boolean;
  emptyPassword: boolean;
  /** /etc/shadow fields in days; -1 when empty. */
  lastChange: number;
  minDays: number;
  maxDays: number;
  warnDays: number;
  inactive: number;
  lastChangeInFuture: boolean;
}

const rows = (text: string | undefined, fields: number) =>
  (text ?? "")
    .split("\n")
    .filter((l) => l.trim() && !l.startsWith("#") && !l.startsWith("+") && !l.startsWith("-"))
    .map((l) => {
      const f = l.split(":");
      while (f.length < fields) f.push("");
      return f;
    });
const days = (s: string | undefined) =>
  s === undefined || s.trim() === "" || Number.isNaN(Number(s)) ? -1 : Number(s);

function duplicates(items: Array<[string, string]>): string[] {
  const by = new Map<string, string[]>();
  for (const [k, v] of items) by.set(k, [...(by.get(k) ?? []), v]);
  return [...by.entries()].filter(([, v]) => v.length > 1).map(([k, v]) => `${k}: ${v.join(", ")}`);
}

/** Users' home directories and the dot files at their top, for the interactive accounts. */
async function homes(files: FileView, users: UserFacts[], uidMin: number) {
  const homeFacts = [];
  const dotFiles = [];
  for (const u of users) {
    if (u.uid < uidMin || !u.loginShell || u.name === "nobody" || !u.home.startsWith("/")) continue;
    const m = await files.stat(u.home);
    homeFacts.push({
      user: u.name,
      path: u.home,
      exists: m?.kind === "dir",
      uid: m?.uid ?? -1,
      mode: m?.mode ?? 0,
      ownedByUser: m?.uid === u.uid,
    });
    if (m?.kind !== "dir") continue;
    for (const name of (await files.list(u.home)) ?? []) {
      if (!name.startsWith(".") || dotFiles.length >= MAX_DOT_FILES) continue;
      const path = posix.join(u.home, name);
      const d = await files.stat(path);
      if (d && d.kind !== "dir")
        dotFiles.push({ user: u.name, path, name, mode: d.mode, uid: d.uid, ownedByUser: d.uid === u.uid });
    }
  }
  return { homeFacts, dotFiles };
}

export const accountsCollector: Collector = {
  name: "accounts",
  platform: "linux",
  description:
    "Local users and groups from /etc/passwd, /etc/shadow and /etc/group (never the password hashes), with home directories and dot files.",
  async collect(target) {
    const files = target.files;
    if (!files) return undefined;
    const passwd = await files.read("/etc/passwd");
    const shadowText = await files.read("/etc/shadow");
    const groupText = await files.read("/etc/group");
    const defs = parseKeyValues((await files.read("/etc/login.defs")) ?? "");
    const uidMin = Number(defs.uid_min ?? 1000) || 1000;
    // As getspnam(3), the first entry of a name counts.
    const shadow = new Map<string, string[]>();
    for (const f of rows(shadowText, 9)) if (!shadow.has(f[0] as string)) shadow.set(f[0] as string, f);
    const today = Math.floor(Date.now() / 86_400_000);
    const users: UserFacts[] = rows(passwd, 7).map((f) => {
      const s = shadow.get(f[0] as string);
      const hash = f[1] === "x" ? (s?.[1] ?? "") : (f[1] ?? "");
      const lastChange = days(s?.[2]);
      return {
        name: f[0] as string,
        uid: Number(f[2]),
        gid: Number(f[3]),
        home: f[5] ?? "",
        shell: f[6] ?? "",
        loginShell: !NO_LOGIN.test(f[6] ?? "") && (f[6] ?? "") !== "",
        shadowed: f[1] === "x",
        hasPassword: hash !== "" && !hash.startsWith("!") && !hash.startsWith("*"),
        locked: hash.startsWith("!") || hash.startsWith("*"),
        emptyPassword: hash === "",
        lastChange,
        minDays: days(s?.[3]),
        maxDays: days(s?.[4]),
        warnDays: days(s?.[5]),
        inactive: days(s?.[6]),
        lastChangeInFuture: lastChange > today,
      };
    });
    const groups = rows(groupText, 4).map((f) => ({
      name: f[0] as string,
      gid: Number(f[2]),
      members: (f[3] ?? "").split(",").filter(Boolean),
    }));
    const gids = new Set(groups.map((g) => g.gid));
    const shadowGroup = groups.find((g) => g.name === "shadow");
    const { homeFacts, dotFiles } = await homes(files, users, uidMin);
    return hostSubject(
      {
        readable: { passwd: passwd !== undefined, shadow: shadowText !== undefined, group: groupText !== undefined },
        uidMin,
        users,
        groups,
        uid0: users.filter((u) => u.uid === 0).map((u) => u.name),
        duplicateUids: duplicates(users.map((u) => [String(u.uid), u.name])),
        duplicateUserNames: duplicates(users.map((u) => [u.name, String(u.uid)])),
        duplicateGids: duplicates(groups.map((g) => [String(g.gid), g.name])),
        duplicateGroupNames: duplicates(groups.map((g) => [g.name, String(g.gid)])),
        missingGroups: users.filter((u) => !gids.has(u.gid)).map((u) => `${u.name} (gid ${u.gid})`),
        shadowGroupMembers: shadowGroup
          ? [...shadowGroup.members, ...users.filter((u) => u.gid === shadowGroup.gid).map((u) => u.name)]
          : [],
        homes: homeFacts,
        dotFiles,
      },
      "/etc/passwd",
    );
  },
};
