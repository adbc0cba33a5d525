import { createHash } from "node:crypto";
import { availableParallelism } from "node:os";
import type { FileScanner } from "../scan/file-scanner.js";
import { WorkerPool, workerEntry } from "../scan/worker-pool.js";
import { ENGINE_VERSION } from "../version.js";
import { type Baseline, BaselineMatcher } from "./baseline.js";
import { DEFAULT_FINGERPRINT_SALT } from "./fingerprint.js";
import { loadDefaultRuleSet } from "./rules/index.js";
import type { RuleSet } from "./rules/schema.js";
import { type FileOutcome, FileScan, type ScanSettings, scanOne } from "./scan-file.js";
import { DEFAULT_SECRET_EXCLUDES, looksBinary, PathFilter } from "./skip.js";
import type { SecretFinding } from "./types.js";

/** Bumped whenever the engine's matching or output changes, so cached secret results are recomputed. */
export const SECRET_ENGINE_VERSION = 1;

export interface SecretScanOptions {
  /** The rule set; default: the shipped rules. */
  rules?: RuleSet;
  /** Fingerprint salt (see DEFAULT_FINGERPRINT_SALT: the default is public). */
  salt?: string;
  /** Larger files are skipped; default 10 MB. */
  maxFileBytes?: number;
  /** Path globs not scanned. Replaces DEFAULT_SECRET_EXCLUDES; spread that list to extend it instead. */
  excludes?: string[];
  /** Accepted findings (by rule, path glob, fingerprint), left out of the results. */
  baseline?: Baseline;
  /** Worker threads; default os.availableParallelism(). 0 scans on the calling thread. */
  workers?: number;
  /** Findings reported per file at most; default 1000. */
  maxFindingsPerFile?: number;
}

export interface SecretScanStats {
  /** Files scanned (text). */
  files: number;
  /** Bytes of the files scanned: the denominator for rates such as false positives per 100 MB. */
  bytes: number;
  /** Files not scanned: size, excluded path, binary extension or content. */
  skipped: number;
  /** Bytes handed over but only sniffed: files found binary by content (a NUL in the first 8 KB). */
  binaryBytes: number;
  /** Findings left out because the baseline accepts them. */
  suppressed: number;
}

/**
 * Secret scanning for the scan pass: decides from path and size which files it wants, takes their bytes
 * over, scans them on a pool of worker threads, and keeps the (masked, fingerprinted) findings.
 */
export class SecretScanner implements FileScanner {
  readonly name = "secret";
  readonly maxFileBytes: number;
  readonly cacheKey: string;
  private readonly filter: PathFilter;
  private readonly baseline: BaselineMatcher;
  private readonly found: SecretFinding[] = [];
  private readonly warnings: string[] = [];
  private readonly stats: SecretScanStats = { files: 0, bytes: 0, skipped: 0, binaryBytes: 0, suppressed: 0 };

  private constructor(
    settings: ScanSettings,
    opts: SecretScanOptions,
    private readonly pool: WorkerPool<ScanSettings, FileOutcome> | undefined,
    private readonly local: FileScan | undefined,
  ) {
    this.filter = new PathFilter(settings);
    this.maxFileBytes = this.filter.maxFileBytes;
    this.baseline = new BaselineMatcher(opts.baseline);
    this.cacheKey = cacheKeyOf(settings, opts.baseline);
  }

  static async create(opts: SecretScanOptions = {}): Promise<SecretScanner> {
    const settings: ScanSettings = {
      rules: opts.rules ?? loadDefaultRuleSet(),
      salt: opts.salt ?? DEFAULT_FINGERPRINT_SALT,
      maxFileBytes: opts.maxFileBytes ?? new PathFilter({}).maxFileBytes,
      excludes: opts.excludes ?? [...DEFAULT_SECRET_EXCLUDES],
      ...(opts.maxFindingsPerFile !== undefined ? { maxFindingsPerFile: opts.maxFindingsPerFile } : {}),
    };
    const workers = opts.workers ?? availableParallelism();
    if (workers <= 0) {
      const local = new FileScan(settings);
      const s = new SecretScanner(settings, opts, undefined, local);
      s.warnings.push(...local.engine.warnings);
      return s;
    }
    try {
      const pool = await WorkerPool.start(
        { label: "secret scan", entry: workerEntry(import.meta.url, "secrets-worker.mjs"), init: settings, failure },
        workers,
      );
      return new SecretScanner(settings, opts, pool, undefined);
    } catch (e) {
      // Still scan, on this thread, and say why it is slower.
      const local = new FileScan(settings);
      const s = new SecretScanner(settings, opts, undefined, local);
      s.warnings.push(
        `secret scan workers unavailable (${e instanceof Error ? e.message : String(e)}); scanning on one thread`,
        ...local.engine.warnings,
      );
      return s;
    }
  }

  wants(path: string, size: number): boolean {
    if (this.filter.skipReason(path, size) === undefined) return true;
    this.stats.skipped++;
    return false;
  }

  async scan(path: string, content: Buffer, layer?: string): Promise<void> {
    // Binary content is recognised from its first 8 KB here, before the bytes travel to a worker.
    if (this.pool && looksBinary(content)) {
      this.stats.skipped++;
      this.stats.binaryBytes += content.length;
      return;
    }
    const size = content.length;
    const outcome = this.pool
      ? await this.pool.submit(path, content, layer)
      : scanOne(this.local as FileScan, path, content, layer);
    this.record(outcome, size);
  }

  results(): { findings: SecretFinding[]; warnings: string[]; stats: SecretScanStats } {
    const findings = [...this.found].sort(byPlace);
    return {
      findings,
      warnings: [...(this.pool?.warnings ?? []), ...this.warnings],
      stats: { ...this.stats },
    };
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }

  private record(o: FileOutcome, size: number): void {
    if (o.skipped) {
      this.stats.skipped++;
      if (o.skipped === "binary") this.stats.binaryBytes += size;
    } else {
      this.stats.files++;
      this.stats.bytes += o.bytes;
    }
    this.warnings.push(...o.warnings);
    for (const f of o.findings) {
      if (this.baseline.suppresses(f)) this.stats.suppressed++;
      else this.found.push(f);
    }
  }
}

const failure = (path: string, why: string): FileOutcome => ({
  findings: [],
  warnings: [`${path}: secret scan failed (${why})`],
  bytes: 0,
});

const byPlace = (a: SecretFinding, b: SecretFinding): number =>
  cmp(a.path, b.path) ||
  a.line - b.line ||
  a.column - b.column ||
  cmp(a.ruleId, b.ruleId) ||
  cmp(a.layer ?? "", b.layer ?? "");

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Everything that changes findings goes into the key; the salt only as a hash. */
function cacheKeyOf(settings: ScanSettings, baseline: Baseline | undefined): string {
  const h = createHash("sha256");
  h.update(
    JSON.stringify({
      engine: ENGINE_VERSION,
      secretEngine: SECRET_ENGINE_VERSION,
      rules: ruleKey(settings.rules),
      salt: createHash("sha256")
        .update(settings.salt ?? "")
        .digest("hex"),
      maxFileBytes: settings.maxFileBytes,
      excludes: settings.excludes,
      maxFindingsPerFile: settings.maxFindingsPerFile ?? null,
      baseline: baseline ?? null,
    }),
  );
  return `secrets:${h.digest("hex").slice(0, 32)}`;
}

/** Rules as the key sees them: what they match, not where their file was read from. */
const ruleKey = (rules: RuleSet) => ({
  version: rules.version,
  rules: rules.rules.map(({ source: _source, ...rule }) => rule),
});
