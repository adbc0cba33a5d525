import type { FileMeta } from "../../file-view.js";
import type { Collector } from "../collector.js";
import { hostSubject } from "./host.js";

const MAX_LISTED = 100;
const MAX_LISTED_SUID = 500;

class Bounded {
  count = 0;
  items: string[] = [];
  constructor(private readonly max: number) {}
  add(path: string) {
    this.count++;
    if (this.items.length < this.max) this.items.push(path);
  }
  toJSON() {
    return { count: this.count, items: this.items, truncated: this.count > this.items.length };
  }
}

const ids = (text: string | undefined) =>
  new Set(
    (text ?? "")
      .split("\n")
      .map((l) => l.split(":")[2])
      .filter((x): x is string => x !== undefined && x !== "")
      .map(Number),
  );

export const filesystemCollector: Collector = {
  name: "filesystem",
  platform: "linux",
  description:
    "One walk of the root filesystem (not crossing into other mounts): world-writable files, world-writable directories without the sticky bit, files without a known owner or group, SUID and SGID files.",
  async collect(target, warn) {
    const files = target.files;
    if (!files) return undefined;
    const uids = ids(await files.read("/etc/passwd"));
    const gids = ids(await files.read("/etc/group"));
    const f = {
      worldWritableFiles: new Bounded(MAX_LISTED),
      worldWritableDirsWithoutSticky: new Bounded(MAX_LISTED),
      unowned: new Bounded(MAX_LISTED),
      ungrouped: new Bounded(MAX_LISTED),
      suid: new Bounded(MAX_LISTED_SUID),
      sgid: new Bounded(MAX_LISTED_SUID),
    };
    let walked = 0;
    const visit = (m: FileMeta) => {
      walked++;
      if (m.kind === "symlink") return; // a link's own bits mean nothing
      if (!uids.has(m.uid)) f.unowned.add(m.path);
      if (!gids.has(m.gid)) f.ungrouped.add(m.path);
      if (m.kind === "file") {
        if (m.mode & 0o002) f.worldWritableFiles.add(m.path);
        if (m.mode & 0o4000) f.suid.add(m.path);
        if (m.mode & 0o2000) f.sgid.add(m.path);
      } else if (m.kind === "dir" && m.mode & 0o002 && !(m.mode & 0o1000)) f.worldWritableDirsWithoutSticky.add(m.path);
    };
    for await (const m of files.walk(warn, { sameDevice: true })) visit(m);
    return hostSubject(JSON.parse(JSON.stringify({ walked, ...f })));
  },
};
