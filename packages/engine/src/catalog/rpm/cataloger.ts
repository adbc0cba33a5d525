import { posix } from "node:path";
import type { Cataloger } from "../cataloger.js";
import { parseRpmDb } from "./rpmdb.js";

/** Where rpm keeps its database: the classic path, and the one Fedora 36+, openSUSE and SLES 15 moved to. */
const DB_DIRS = new Set(["/var/lib/rpm", "/usr/lib/sysimage/rpm"]);

export const rpmDbCataloger: Cataloger = {
  name: "rpm-db-cataloger",
  selector: {
    basenames: ["rpmdb.sqlite", "Packages"],
    accept: (path) => DB_DIRS.has(posix.dirname(path)),
    // A server's Berkeley DB Packages file can pass 100 MB (it keeps every file's metadata).
    maxBytes: 512 * 1024 * 1024,
  },
  parse(file, ctx) {
    return parseRpmDb(file.content, file.path, ctx);
  },
};
