/** Java archive extensions Rampart opens (the set Syft recognises). */
export const ARCHIVE_EXTENSIONS = [".jar", ".war", ".ear", ".jpi", ".hpi", ".par", ".sar", ".nar", ".kar"];

export const isArchiveName = (name: string): boolean => {
  const lower = name.toLowerCase();
  return ARCHIVE_EXTENSIONS.some((e) => lower.endsWith(e));
};

/**
 * Name and version from an archive file name as Maven names artifacts ("log4j-core-2.14.1.jar",
 * "commons-text-1.9-SNAPSHOT.jar"): the version starts at the first "-" followed by a digit.
 */
export function parseArchiveName(path: string): { name: string; version?: string } {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  const stem = dot > 0 ? base.slice(0, dot) : base;
  const m = /^(.+?)-(\d[\w.+~-]*)$/.exec(stem);
  return m ? { name: m[1] as string, version: m[2] as string } : { name: stem };
}
