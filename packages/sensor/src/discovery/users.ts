import { readHostFile } from "./root-path.js";

/**
 * User names by uid from the host's /etc/passwd ("name:password:uid:gid:gecos:home:shell"). Users from
 * NSS sources other than files (LDAP, sssd) are not there: those processes show their uid. A process in a
 * container also shows the host's name for its uid, which may differ from the container's own passwd.
 */
export function parsePasswd(text: string): Map<number, string> {
  const users = new Map<number, string>();
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || line.startsWith("+") || line.startsWith("-")) continue;
    const f = line.split(":");
    if (f.length < 3 || !f[0] || !/^\d+$/.test(f[2] as string)) continue;
    const uid = Number(f[2]);
    if (!users.has(uid)) users.set(uid, f[0]); // the first entry wins, as getpwuid
  }
  return users;
}

export async function hostUsers(hostRoot: string): Promise<Map<number, string>> {
  const text = await readHostFile(hostRoot, "/etc/passwd");
  return text === undefined ? new Map() : parsePasswd(text);
}
