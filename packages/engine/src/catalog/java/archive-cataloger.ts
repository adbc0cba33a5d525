import type { PackageInput } from "../../package/package.js";
import type { CatalogContext, Cataloger, CatalogFile } from "../cataloger.js";
import { errorMessage } from "../parse.js";
import { ARCHIVE_EXTENSIONS, isArchiveName } from "./archive-name.js";
import { artifactsOf, MANIFEST, POM_PROPERTIES } from "./archive-packages.js";
import { type UnzipBudget, unzipSelected, type WantedEntry } from "./safe-unzip.js";

/** Archives nested deeper than this (a jar in a jar in a war in an ear…) are not opened. */
const MAX_DEPTH = 4;
/** Everything one top-level archive may extract, nested archives included. */
const ARCHIVE_BUDGET = 512 * 1024 * 1024;
const TEXT_ENTRY: WantedEntry = { maxBytes: 4 * 1024 * 1024 };
const NESTED_ARCHIVE: WantedEntry = { maxBytes: 256 * 1024 * 1024 };

/**
 * java-archive-cataloger: Maven artifacts in JAR/WAR/EAR files and the archives nested in them (Spring Boot's
 * BOOT-INF/lib, WEB-INF/lib, an EAR's lib/), read from pom.properties, MANIFEST.MF or the file name.
 */
export const javaArchiveCataloger: Cataloger = {
  name: "java-archive-cataloger",
  selector: { extensions: ARCHIVE_EXTENSIONS, maxBytes: 512 * 1024 * 1024 },
  parse(file: CatalogFile, ctx: CatalogContext): PackageInput[] {
    const out: PackageInput[] = [];
    walk(file.content, file.path, [], { remaining: ARCHIVE_BUDGET }, ctx, out);
    return out;
  },
};

function walk(
  data: Uint8Array,
  path: string,
  member: string[],
  budget: UnzipBudget,
  ctx: CatalogContext,
  out: PackageInput[],
): void {
  // Where a warning points: the jar-URL form, "/app/app.jar!/BOOT-INF/lib/x.jar".
  const where = [path, ...member].join("!/");
  const tooDeep: string[] = [];
  const wanted = (name: string): WantedEntry | undefined => {
    if (name === MANIFEST || POM_PROPERTIES.test(name)) return TEXT_ENTRY;
    if (!isArchiveName(name)) return undefined;
    if (member.length < MAX_DEPTH) return NESTED_ARCHIVE;
    tooDeep.push(name);
    return undefined;
  };
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSelected(data, wanted, budget, (m) => ctx.warn(`${where}: ${m}`));
  } catch (e) {
    ctx.warn(`${where}: not a readable zip archive (${errorMessage(e)}); skipped`);
    return;
  }
  for (const a of artifactsOf(member.at(-1) ?? path, entries)) {
    const group =
      a.groupId ?? (member.length === 0 ? groupFromRepositoryPath(path, a.artifactId, a.version) : undefined);
    out.push({
      type: "maven",
      ...(group ? { namespace: group } : {}),
      name: a.artifactId,
      version: a.version,
      metadata: { evidence: group && !a.groupId ? `${a.evidence}, group from repository path` : a.evidence },
      location: member.length > 0 ? { path, member: [...member] } : { path },
    });
  }
  if (tooDeep.length > 0) {
    ctx.warn(`${where}: archives nested more than ${MAX_DEPTH} deep are not opened (${tooDeep.length} skipped)`);
  }
  for (const name of Object.keys(entries).filter(isArchiveName).sort()) {
    const bytes = entries[name] as Uint8Array;
    delete entries[name]; // let each nested archive be collected once walked
    walk(bytes, path, [...member, name], budget, ctx, out);
  }
}

/**
 * A jar stored in a Maven repository layout (~/.m2/repository, Debian's /usr/share/maven-repo) names its
 * group in its path: <group as folders>/<artifactId>/<version>/<file>. Used only when the jar itself does not
 * say, so that such jars still get a valid purl.
 */
export function groupFromRepositoryPath(path: string, artifactId: string, version: string): string | undefined {
  const m = /\/(?:\.m2\/repository|maven-repo)\/(.+)\/([^/]+)\/([^/]+)\/[^/]+$/.exec(path);
  if (!m || m[2] !== artifactId || (m[3] !== version && m[3] !== "debian")) return undefined;
  return (m[1] as string).replaceAll("/", ".");
}
