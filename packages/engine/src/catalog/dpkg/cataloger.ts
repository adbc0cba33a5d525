import type { Cataloger } from "../cataloger.js";
import { parseDpkgStatus } from "./status.js";

const STATUS_FILE = "/var/lib/dpkg/status";
/** Distroless keeps one control paragraph per package in status.d, next to "<pkg>.md5sums" files. */
const STATUS_D_ENTRY = /^\/var\/lib\/dpkg\/status\.d\/[^/]+$/;

export const dpkgDbCataloger: Cataloger = {
  name: "dpkg-db-cataloger",
  selector: {
    basenames: ["status"],
    patterns: [STATUS_D_ENTRY],
    accept: (path) => path === STATUS_FILE || (STATUS_D_ENTRY.test(path) && !path.endsWith(".md5sums")),
    // A desktop's status file is a few MB; status.d entries are a few KB.
    maxBytes: 32 * 1024 * 1024,
  },
  parse(file, ctx) {
    return parseDpkgStatus(file.content.toString("utf8"), file.path, ctx);
  },
};
