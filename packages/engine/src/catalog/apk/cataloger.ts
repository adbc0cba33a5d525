import type { Cataloger } from "../cataloger.js";
import { parseApkInstalled } from "./installed.js";

const INSTALLED_DB = "/lib/apk/db/installed";

export const apkDbCataloger: Cataloger = {
  name: "apk-db-cataloger",
  selector: {
    basenames: ["installed"],
    accept: (path) => path === INSTALLED_DB,
    // It lists every installed file; a large image's database is a few MB.
    maxBytes: 64 * 1024 * 1024,
  },
  parse(file, ctx) {
    return parseApkInstalled(file.content.toString("utf8"), file.path, ctx);
  },
};
