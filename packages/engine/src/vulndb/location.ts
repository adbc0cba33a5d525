import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

/** The public sources `rampart db update` reads when no --from is given. */
export const PUBLIC_FEEDS = {
  osvBase: "https://osv-vulnerabilities.storage.googleapis.com",
  kev: "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json",
  epss: "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz",
} as const;

/** OSV ecosystems whose packages Rampart catalogs. The bucket has more; these are the ones that can match. */
export const DEFAULT_ECOSYSTEMS = [
  "Debian",
  "Ubuntu",
  "Alpine",
  "Wolfi",
  "Chainguard",
  "Rocky Linux",
  "AlmaLinux",
  "npm",
  "PyPI",
  "Go",
  "Maven",
  "RubyGems",
  "crates.io",
  "Packagist",
  "NuGet",
] as const;

/**
 * Where each feed file lives: the public sources, or a mirror (directory or URL) laid out as
 * `osv/<Ecosystem>/{all.zip,modified_id.csv,<ID>.json}`, `kev/known_exploited_vulnerabilities.json` and
 * `epss/epss_scores.csv.gz`.
 */
export interface FeedLocations {
  kind: "directory" | "url";
  /** Shown to users and stored per feed. */
  base: string;
  osv(ecosystem: string, file: string): string;
  kev: string;
  epss: string;
  /** For a directory mirror, the ecosystems it holds; for URLs, the ones to ask for. */
  ecosystems: string[];
  /** A missing file on a mirror means "not mirrored" (skip); on the public sources it is an error. */
  mirror: boolean;
}

const isUrl = (s: string) => /^https?:\/\//i.test(s);
const trimSlash = (s: string) => s.replace(/\/+$/, "");

export async function feedLocations(from: string | undefined, ecosystems?: string[]): Promise<FeedLocations> {
  if (from === undefined) {
    return {
      kind: "url",
      base: "public sources",
      osv: (eco, file) => `${PUBLIC_FEEDS.osvBase}/${encodeURIComponent(eco)}/${file}`,
      kev: PUBLIC_FEEDS.kev,
      epss: PUBLIC_FEEDS.epss,
      ecosystems: ecosystems ?? [...DEFAULT_ECOSYSTEMS],
      mirror: false,
    };
  }
  if (isUrl(from)) {
    const base = trimSlash(from);
    return {
      kind: "url",
      base,
      osv: (eco, file) => `${base}/osv/${encodeURIComponent(eco)}/${file}`,
      kev: `${base}/kev/known_exploited_vulnerabilities.json`,
      epss: `${base}/epss/epss_scores.csv.gz`,
      ecosystems: ecosystems ?? [...DEFAULT_ECOSYSTEMS],
      mirror: true,
    };
  }
  const dir = from;
  const listed = await readdir(join(dir, "osv"), { withFileTypes: true }).catch(() => []);
  const present = listed.filter((d) => d.isDirectory()).map((d) => d.name);
  if (!(await stat(dir).catch(() => undefined))?.isDirectory()) throw new Error(`${dir}: no such mirror directory`);
  return {
    kind: "directory",
    base: dir,
    osv: (eco, file) => join(dir, "osv", eco, file),
    kev: join(dir, "kev", "known_exploited_vulnerabilities.json"),
    epss: join(dir, "epss", "epss_scores.csv.gz"),
    ecosystems: (ecosystems ?? present).filter((e) => present.includes(e)).sort(),
    mirror: true,
  };
}
