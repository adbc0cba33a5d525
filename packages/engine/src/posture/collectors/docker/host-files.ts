import { posix } from "node:path";
import type { FileMeta, FileView } from "../../file-view.js";

/** A file as the CIS section 3 controls read it: missing files have `exists` false and empty owners. */
export interface FileFacts {
  path: string;
  exists: boolean;
  kind: string;
  mode: number;
  uid: number;
  gid: number;
  /** The owner's and group's names from the tree's /etc/passwd and /etc/group (the number when unnamed). */
  owner: string;
  group: string;
}

/** Resolves owners to names through the tree's own account databases (not the scanning machine's). */
export class OwnerNames {
  private constructor(
    private readonly users: Map<number, string>,
    private readonly groups: Map<number, string>,
  ) {}

  static async of(files: FileView): Promise<OwnerNames> {
    return new OwnerNames(
      idNames((await files.read("/etc/passwd")) ?? ""),
      idNames((await files.read("/etc/group")) ?? ""),
    );
  }

  facts(path: string, meta: FileMeta | undefined): FileFacts {
    if (!meta) return { path, exists: false, kind: "", mode: 0, uid: -1, gid: -1, owner: "", group: "" };
    return {
      path,
      exists: true,
      kind: meta.kind,
      mode: meta.mode,
      uid: meta.uid,
      gid: meta.gid,
      owner: this.users.get(meta.uid) ?? String(meta.uid),
      group: this.groups.get(meta.gid) ?? String(meta.gid),
    };
  }
}

/** name:x:id:… lines → id → name (the first name of an id wins, as getpwuid does). */
function idNames(text: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of text.split("\n")) {
    const [name, , id] = line.split(":");
    const n = Number(id);
    if (name && id && Number.isInteger(n) && !out.has(n)) out.set(n, name);
  }
  return out;
}

/** The regular files below `dir`, `depth` levels deep at most (certs.d/<registry>/<file>). */
export async function filesBelow(files: FileView, dir: string, depth: number): Promise<FileMeta[]> {
  const out: FileMeta[] = [];
  for (const name of (await files.list(dir)) ?? []) {
    const path = posix.join(dir, name);
    const meta = await files.stat(path);
    if (meta?.kind === "file") out.push(meta);
    else if (meta?.kind === "dir" && depth > 1) out.push(...(await filesBelow(files, path, depth - 1)));
    if (out.length >= 1000) break;
  }
  return out;
}
