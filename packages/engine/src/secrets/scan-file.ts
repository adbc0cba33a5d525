import { type EngineOptions, SecretEngine } from "./engine.js";
import type { RuleSet } from "./rules/schema.js";
import { looksBinary, PathFilter, type SkipReason } from "./skip.js";
import type { SecretFinding } from "./types.js";

/** Everything a thread needs to scan files the same way as every other thread (plain data: it is cloned). */
export interface ScanSettings extends EngineOptions {
  rules: RuleSet;
  maxFileBytes?: number;
  excludes?: readonly string[];
}

export interface FileOutcome {
  findings: SecretFinding[];
  warnings: string[];
  /** Why the file was not scanned; undefined when it was. */
  skipped?: SkipReason | "binary";
  bytes: number;
}

/** One thread's file-level scanner: the path and content checks, then the engine. */
export class FileScan {
  readonly engine: SecretEngine;
  readonly filter: PathFilter;

  constructor(settings: ScanSettings) {
    this.engine = new SecretEngine(settings.rules, settings);
    this.filter = new PathFilter(settings);
  }

  scan(path: string, content: Uint8Array, layer?: string): FileOutcome {
    const skipped = this.filter.skipReason(path, content.length) ?? (looksBinary(content) ? "binary" : undefined);
    if (skipped) return { findings: [], warnings: [], skipped, bytes: 0 };
    const { findings, warnings } = this.engine.scan(path, content, layer);
    return { findings, warnings, bytes: content.length };
  }
}

/**
 * Scans one file, turning an unexpected error into a warning. The warning names the error's kind only:
 * an error message could quote the input, and the input may be a secret.
 */
export function scanOne(scanner: FileScan, path: string, content: Uint8Array, layer?: string): FileOutcome {
  try {
    return scanner.scan(path, content, layer);
  } catch (e) {
    return { findings: [], warnings: [`${path}: secret scan failed (${errorKind(e)})`], bytes: 0 };
  }
}

export function errorKind(e: unknown): string {
  return e instanceof Error ? e.name : typeof e;
}
