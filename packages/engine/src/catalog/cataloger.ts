import type { PackageInput } from "../package/package.js";

/**
 * Which files a cataloger wants. The scan walks every source once and consults one combined index of all
 * selectors, so a cataloger never walks files itself (Syft's "glob + parser" split).
 */
export interface FileSelector {
  /** Exact file names ("status", "package-lock.json"). */
  readonly basenames?: readonly string[];
  /** Name endings, matched case-insensitively (".jar", ".deps.json"). */
  readonly extensions?: readonly string[];
  /** Whole-path patterns for what a name cannot say ("…/status.d/<pkg>", "….dist-info/METADATA"). */
  readonly patterns?: readonly RegExp[];
  /** Leading magic bytes (ELF). Checked on regular files no name selector took. */
  readonly magic?: readonly Uint8Array[];
  /**
   * Check the magic bytes only on files with an execute bit. Programs are executable; shared libraries,
   * data and sources mostly are not, so this spares opening most files of a host walk.
   */
  readonly executableOnly?: boolean;
  /** A cheap second look at the path after a name or pattern hit (e.g. only inside node_modules). */
  accept?(path: string): boolean;
  /** The largest file this cataloger will read; larger files are skipped with a warning. */
  readonly maxBytes?: number;
}

/** One file handed to a cataloger. */
export interface CatalogFile {
  /** Absolute path inside the scanned root. */
  readonly path: string;
  readonly content: Buffer;
  /** File mode bits as stored. */
  readonly mode: number;
}

export interface CatalogContext {
  /** Reports something the user should know (a file skipped, a record that did not parse). */
  warn(message: string): void;
  /**
   * Records that the OS package manager installed these paths, for the OS package `owner` (a dpkg file list,
   * apk's installed DB). A language package found at an owned path was installed by the distro: the distro's
   * advisories cover it, with the distro's patches, so it is not matched against the language's advisories.
   */
  own?(owner: string, paths: string[]): void;
}

/** One package type's parser behind the common interface. */
export interface Cataloger {
  /** Stable name, shown as "found by" in SBOMs ("dpkg-db-cataloger"). */
  readonly name: string;
  readonly selector: FileSelector;
  /** Turns one file into the packages it declares. Must not throw on bad content: warn and return []. */
  parse(file: CatalogFile, ctx: CatalogContext): PackageInput[] | Promise<PackageInput[]>;
}

export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
