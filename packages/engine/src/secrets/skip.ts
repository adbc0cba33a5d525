import { globMatcher } from "../scan/globs.js";

/** Default size limit: larger files are data dumps or bundles, not configuration that holds credentials. */
export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;

/**
 * Paths not scanned unless the user replaces this list: vendored test fixtures (fake keys by design),
 * documentation (example tokens), Git's object store (compressed) and go.sum (nothing but module hashes).
 * Other lock files are scanned, with their hash fields filtered (see lockfile.ts): a registry URL with
 * credentials in a `resolved` field is a real leak.
 */
export const DEFAULT_SECRET_EXCLUDES: readonly string[] = [
  "**/test/fixtures/**",
  "**/tests/fixtures/**",
  "**/testdata/**",
  "**/__tests__/**",
  "**/node_modules/*/test/**",
  "**/node_modules/*/tests/**",
  "**/node_modules/@*/*/test/**",
  "**/node_modules/@*/*/tests/**",
  "**/*.md",
  "**/*.markdown",
  "**/*.rst",
  "**/docs/**",
  "/usr/share/doc/**",
  "/usr/share/man/**",
  "/usr/share/info/**",
  "**/.git/objects/**",
  "**/go.sum",
];

/** Extensions of formats that are binary (or compressed) by construction; NUL sniffing catches the rest. */
export const BINARY_EXTENSIONS: ReadonlySet<string> = new Set(
  (
    "png jpg jpeg gif bmp ico icns webp tif tiff psd svgz heic avif " +
    "mp3 mp4 m4a m4v ogg oga ogv wav flac avi mov mkv webm " +
    "woff woff2 ttf otf eot pfb pcf " +
    "zip gz tgz bz2 tbz2 xz txz lz lzma zst 7z rar jar war ear apk aar whl egg nupkg deb rpm udeb crx xpi " +
    "class pyc pyo so dylib dll exe o a lib obj bin elc beam wasm node " +
    "pdf doc docx xls xlsx ppt pptx odt ods odp " +
    "mo gmo db sqlite sqlite3 dat pak iso img dmg qcow2 vmdk " +
    "der p12 pfx jks keystore gpg kbx"
  ).split(" "),
);

/** How much of a file is sniffed for a NUL byte. */
export const BINARY_SNIFF_BYTES = 8192;

/** A NUL byte in the first 8 KB: the file is binary (or UTF-16, which credentials files never are). */
export function looksBinary(content: Uint8Array): boolean {
  const head = content.length > BINARY_SNIFF_BYTES ? content.subarray(0, BINARY_SNIFF_BYTES) : content;
  return head.indexOf(0) !== -1;
}

export function extensionOf(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : "";
}

/** Why a file is not scanned, or undefined when it is. */
export type SkipReason = "size" | "excluded" | "binary-extension";

/** The cheap decisions that need only the path and size. */
export class PathFilter {
  readonly maxFileBytes: number;
  private readonly excluded: (path: string) => boolean;

  constructor(opts: { maxFileBytes?: number; excludes?: readonly string[] }) {
    this.maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.excluded = globMatcher(opts.excludes ?? DEFAULT_SECRET_EXCLUDES);
  }

  skipReason(path: string, size: number): SkipReason | undefined {
    if (size > this.maxFileBytes) return "size";
    if (BINARY_EXTENSIONS.has(extensionOf(path))) return "binary-extension";
    if (this.excluded(path)) return "excluded";
    return undefined;
  }
}
