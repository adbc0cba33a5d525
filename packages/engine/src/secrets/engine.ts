import { type CompiledRule, type CompiledRules, compileRules } from "./compile.js";
import { DEFAULT_FINGERPRINT_SALT, fingerprintSecret } from "./fingerprint.js";
import { isIgnored } from "./ignore.js";
import { LineCursor } from "./lines.js";
import { isLockFile, isLockFileNoise } from "./lockfile.js";
import { maskSecret } from "./mask.js";
import { matchAll } from "./regex.js";
import { shannonEntropy } from "./rules/entropy.js";
import type { RuleSet } from "./rules/schema.js";
import { buildSnippet, type MaskedSpan } from "./snippet.js";
import type { SecretFinding } from "./types.js";
import { WindowCollector } from "./windows.js";

export interface EngineOptions {
  /** Fingerprint salt; default DEFAULT_FINGERPRINT_SALT (public: set your own, see fingerprint.ts). */
  salt?: string;
  /** Findings reported per file at most (a file of thousands of matches is a data dump; one warning says so). */
  maxFindingsPerFile?: number;
}

export interface FileResult {
  findings: SecretFinding[];
  warnings: string[];
}

/** A regex match that passed the rule's own checks; `secret` lives only inside `scan`. */
interface Candidate {
  rule: CompiledRule;
  start: number;
  end: number;
  secret: string;
  entropy: number;
}

const DEFAULT_MAX_FINDINGS = 1000;
/** Candidates kept per file, bounding memory on hostile input; past it, findings are cut and snippets left out. */
const MAX_CANDIDATES = 20_000;

/**
 * The single-threaded scanning core: compiled rules plus the per-file pass. One instance per thread.
 *   1. one keyword pass over the bytes (Aho-Corasick) → windows around hits, per rule;
 *   2. each hit rule's RE2 regex over its windows only;
 *   3. secret group, entropy, allowlist; de-duplication; inline ignores and lock-file hash noise;
 *   4. findings with masked preview, snippet and salted fingerprint — the secret itself stays here.
 */
export class SecretEngine {
  readonly compiled: CompiledRules;
  private readonly salt: string;
  private readonly maxFindings: number;
  private readonly collector: WindowCollector;
  private readonly keywordLengths: Int32Array;

  constructor(rules: RuleSet, opts: EngineOptions = {}) {
    this.compiled = compileRules(rules);
    this.salt = opts.salt ?? DEFAULT_FINGERPRINT_SALT;
    this.maxFindings = opts.maxFindingsPerFile ?? DEFAULT_MAX_FINDINGS;
    this.collector = new WindowCollector(this.compiled.rules.map((r) => r.reach));
    this.keywordLengths = this.compiled.automaton.lengths;
  }

  /** Rule compile problems (bad regex in a user rule file, duplicate ids). */
  get warnings(): readonly string[] {
    return this.compiled.warnings;
  }

  scanText(path: string, text: string, layer?: string): SecretFinding[] {
    return this.scan(path, Buffer.from(text, "utf8"), layer).findings;
  }

  scan(path: string, content: Uint8Array, layer?: string): FileResult {
    const bytes = Buffer.isBuffer(content)
      ? content
      : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    const warnings: string[] = [];
    const candidates = this.candidates(path, bytes);
    let truncated = false;
    if (candidates.length >= MAX_CANDIDATES) {
      truncated = true;
      warnings.push(`${path}: over ${MAX_CANDIDATES} secret candidates; stopped looking further in this file`);
    }
    const kept = dedupe(candidates);
    if (kept.length > this.maxFindings) {
      truncated = true;
      warnings.push(`${path}: ${kept.length} secret findings; only the first ${this.maxFindings} are reported`);
      kept.length = this.maxFindings;
    }
    return { findings: this.findings(path, bytes, layer, candidates, kept, truncated), warnings };
  }

  /** Steps 1–3: every accepted regex match, sorted by position. */
  private candidates(path: string, bytes: Buffer): Candidate[] {
    const { rules, automaton, rulesByKeyword } = this.compiled;
    // Path-bound rules are checked against the path only once one of their keywords is hit.
    const { pathBound } = this.compiled;
    let active: Uint8Array | undefined;
    const runs = (r: number): boolean => {
      if (pathBound[r] === 0) return true;
      active ??= this.compiled.activeRules(path);
      return active[r] === 1;
    };
    const collector = this.collector;
    const lengths = this.keywordLengths;
    collector.begin(bytes);
    automaton.scan(bytes, (k, end) => {
      const start = end - (lengths[k] as number);
      const hit = rulesByKeyword[k] as Int32Array;
      for (let j = 0; j < hit.length; j++) {
        const r = hit[j] as number;
        if (runs(r)) collector.hit(r, start, end);
      }
    });
    const out: Candidate[] = [];
    for (const [r, windows] of collector.finish()) {
      const rule = rules[r] as CompiledRule;
      for (const w of windows) {
        if (out.length >= MAX_CANDIDATES) break;
        const view = bytes.subarray(w.start, w.end);
        for (const { match, groups } of matchAll(rule.regex, view)) {
          const span = secretSpan(rule, match, groups);
          if (span === undefined) continue;
          // A secret touching a cut inside a line may be the middle of a longer token.
          if ((w.hardStart && span.start === 0) || (w.hardEnd && span.end === view.length)) continue;
          const secret = view.toString("utf8", span.start, span.end);
          const entropy = shannonEntropy(secret);
          if (rule.entropy !== undefined && entropy < rule.entropy) continue;
          if (rule.allowlist.some((a) => a.test(secret))) continue;
          out.push({ rule, start: w.start + span.start, end: w.start + span.end, secret, entropy });
          if (out.length >= MAX_CANDIDATES) break;
        }
      }
    }
    return out.sort((a, b) => a.start - b.start || a.end - b.end || a.rule.index - b.rule.index);
  }

  /** Step 4: positions, suppression, masking and fingerprints. */
  private findings(
    path: string,
    bytes: Buffer,
    layer: string | undefined,
    all: readonly Candidate[],
    kept: readonly Candidate[],
    truncated: boolean,
  ): SecretFinding[] {
    if (kept.length === 0) return [];
    const spans: MaskedSpan[] = all.map((c) => ({ start: c.start, end: c.end, mask: maskSecret(c.secret) }));
    const spanOf = new Map(all.map((c, i) => [c, i]));
    const cursor = new LineCursor(bytes);
    const lockFile = isLockFile(path);
    const lines = new LineTexts(bytes);
    const known = (id: string) => this.compiled.ruleIds.has(id);
    const out: SecretFinding[] = [];
    for (const c of kept) {
      const at = cursor.at(c.start);
      const column = cursor.column(c.start);
      if (lines.marked(at.start, at.end)) {
        if (isIgnored(c.rule.id, lines.text(at.start, at.end), lines.previousText(), known)) continue;
      }
      if (lockFile && isLockFileNoiseAt(bytes, at.start, at.end, c)) continue;
      const i = spanOf.get(c) as number;
      out.push({
        ruleId: c.rule.id,
        title: c.rule.title,
        severity: c.rule.severity,
        path,
        ...(layer !== undefined ? { layer } : {}),
        line: at.line,
        column,
        preview: (spans[i] as MaskedSpan).mask,
        fingerprint: fingerprintSecret(this.salt, c.rule.id, c.secret),
        entropy: Math.round(c.entropy * 1000) / 1000,
        // With candidates cut short, a later secret on the same line might be shown unmasked: no snippet.
        ...(truncated ? {} : { snippet: buildSnippet(bytes, at.start, at.end, spans, i) }),
      });
    }
    return out;
  }
}

/** The secret's span in the match: the rule's secret group (0: the whole match); undefined if it is empty. */
function secretSpan(
  rule: CompiledRule,
  match: { start: number; end: number },
  groups: readonly ({ start: number; end: number } | undefined)[],
): { start: number; end: number } | undefined {
  const span = rule.secretGroup > 0 ? groups[rule.secretGroup - 1] : match;
  return span && span.end > span.start ? span : undefined;
}

/**
 * One finding per secret and place. The same span found by several rules is reported once: by a specific
 * rule rather than a generic one (tag "generic"), then the higher severity, then the earlier rule. A generic
 * finding that overlaps a specific rule's secret gives way too (`TOKEN = "ghp_…"` is a GitHub token, not a
 * generic assignment). Input sorted by start.
 */
function dedupe(cands: readonly Candidate[]): Candidate[] {
  const best = new Map<string, Candidate>();
  for (const c of cands) {
    const key = `${c.start}:${c.end}`;
    const held = best.get(key);
    if (held === undefined || outranks(c, held)) best.set(key, c);
  }
  const kept = cands.filter((c) => best.get(`${c.start}:${c.end}`) === c);
  return kept.filter((c, i) => !c.rule.generic || !overlapsSpecific(kept, i));
}

const SEVERITY_RANK = { critical: 4, high: 3, medium: 2, low: 1 } as const;

function outranks(a: Candidate, b: Candidate): boolean {
  if (a.rule.generic !== b.rule.generic) return !a.rule.generic;
  const sa = SEVERITY_RANK[a.rule.severity];
  const sb = SEVERITY_RANK[b.rule.severity];
  if (sa !== sb) return sa > sb;
  return a.rule.index < b.rule.index;
}

function overlapsSpecific(cands: readonly Candidate[], i: number): boolean {
  const c = cands[i] as Candidate;
  for (let j = i - 1; j >= 0 && j >= i - 64; j--) {
    const o = cands[j] as Candidate;
    if (!o.rule.generic && o.end > c.start) return true;
  }
  for (let j = i + 1; j < cands.length; j++) {
    const o = cands[j] as Candidate;
    if (o.start >= c.end) break;
    if (!o.rule.generic) return true;
  }
  return false;
}

function isLockFileNoiseAt(bytes: Buffer, lineStart: number, lineEnd: number, c: Candidate): boolean {
  // Lock-file lines are short; bound the decoded part anyway.
  const from = Math.max(lineStart, c.start - 4096);
  const to = Math.min(lineEnd, c.end + 4096);
  const before = bytes.toString("utf8", from, c.start);
  const secretChars = c.secret.length;
  const line = before + c.secret + bytes.toString("utf8", Math.min(c.end, to), to);
  return isLockFileNoise(line, before.length, before.length + secretChars);
}

const MARKER = Buffer.from("rampart:ignore");

/**
 * Ignore comments of the line holding a finding and the line before, decoded only when they carry the
 * marker. Findings come in line order, so remembering the last line keeps long lines read once.
 */
class LineTexts {
  private lastStart = -1;
  private last: { marked: boolean; prev: { start: number; end: number } | undefined; prevMarked: boolean } = {
    marked: false,
    prev: undefined,
    prevMarked: false,
  };

  constructor(private readonly bytes: Buffer) {}

  /** True when the line or the one before it may hold an ignore comment. */
  marked(start: number, end: number): boolean {
    if (start !== this.lastStart) {
      this.lastStart = start;
      const prev =
        start === 0 ? undefined : { start: this.bytes.subarray(0, start - 1).lastIndexOf(10) + 1, end: start - 1 };
      this.last = {
        marked: this.hasMarker(start, end),
        prev,
        prevMarked: prev !== undefined && this.hasMarker(prev.start, prev.end),
      };
    }
    return this.last.marked || this.last.prevMarked;
  }

  text(start: number, end: number): string {
    return this.bytes.toString("utf8", start, end);
  }

  /** The text of the line before the last one passed to `marked`. */
  previousText(): string | undefined {
    const p = this.last.prev;
    return p === undefined ? undefined : this.text(p.start, p.end);
  }

  private hasMarker(start: number, end: number): boolean {
    return this.bytes.subarray(start, end).indexOf(MARKER) !== -1;
  }
}
