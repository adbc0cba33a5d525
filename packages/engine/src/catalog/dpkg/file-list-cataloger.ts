import type { Cataloger } from "../cataloger.js";

/** dpkg's per-package file lists: /var/lib/dpkg/info/<package>[:<arch>].list, one installed path per line. */
const FILE_LIST = /^\/var\/lib\/dpkg\/info\/([^/]+?)(?::[^/:]+)?\.list$/;

/**
 * Declares no package: it tells the scan which paths dpkg installed (CatalogContext.own), so a Python,
 * npm or Java package that Debian shipped is known as Debian's and matched by Debian's advisories only.
 */
export const dpkgFileListCataloger: Cataloger = {
  name: "dpkg-file-list-cataloger",
  selector: {
    patterns: [FILE_LIST],
    // The largest lists (linux-image, texlive) are a few MB.
    maxBytes: 16 * 1024 * 1024,
  },
  parse(file, ctx) {
    const owner = FILE_LIST.exec(file.path)?.[1];
    if (!owner || !ctx.own) return [];
    const paths = file.content
      .toString("utf8")
      .split("\n")
      .filter((l) => l.startsWith("/") && l !== "/.");
    ctx.own(owner, paths);
    return [];
  },
};
