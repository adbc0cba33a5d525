import { readFile } from "node:fs/promises";
import type * as Yaml from "yaml";
import { lazy } from "../lazy.js";
import { globMatcher } from "../scan/globs.js";
import type { SecretFinding } from "./types.js";

const yaml = lazy<typeof Yaml>("yaml");

/**
 * A baseline (allowlist) entry. Every field given must match for the entry to suppress a finding: a
 * fingerprint alone accepts one secret wherever it appears, a rule alone silences a rule, a path glob alone
 * silences a tree, and combinations narrow each other.
 */
export interface BaselineEntry {
  rule?: string;
  /** Glob over the finding's path (picomatch, dot files included). */
  path?: string;
  fingerprint?: string;
  reason?: string;
}

export interface Baseline {
  version: 1;
  entries: BaselineEntry[];
}

export class BaselineError extends Error {
  override name = "BaselineError";
}

const FINGERPRINT = /^sha256:[0-9a-f]{64}$/;

/**
 * Parses a baseline file:
 *   version: 1
 *   entries:
 *     - fingerprint: sha256:…     # one accepted secret
 *       reason: rotated, kept for history
 *     - rule: generic-password
 *       path: "/srv/app/config/*.example"
 */
export function parseBaseline(text: string, source = "baseline"): Baseline {
  let doc: unknown;
  try {
    doc = yaml().parse(text);
  } catch (e) {
    throw new BaselineError(`${source}: not valid YAML (${e instanceof Error ? e.message : String(e)})`);
  }
  if (doc === null || doc === undefined) return { version: 1, entries: [] };
  const list = Array.isArray(doc) ? doc : isObject(doc) ? doc.entries : undefined;
  if (isObject(doc) && doc.version !== undefined && doc.version !== 1) {
    throw new BaselineError(`${source}: unsupported version ${JSON.stringify(doc.version)} (expected 1)`);
  }
  if (list === undefined || list === null) return { version: 1, entries: [] };
  if (!Array.isArray(list)) throw new BaselineError(`${source}: "entries" must be a list`);
  return { version: 1, entries: list.map((e, i) => parseEntry(e, `${source}: entry ${i + 1}`)) };
}

function parseEntry(raw: unknown, where: string): BaselineEntry {
  if (!isObject(raw)) throw new BaselineError(`${where}: must be a mapping`);
  const entry: BaselineEntry = {};
  for (const key of ["rule", "path", "fingerprint", "reason"] as const) {
    const v = raw[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== "string" || v === "") throw new BaselineError(`${where}: "${key}" must be a non-empty string`);
    entry[key] = v;
  }
  if (entry.fingerprint !== undefined && !FINGERPRINT.test(entry.fingerprint)) {
    throw new BaselineError(`${where}: fingerprint must be "sha256:" and 64 hex digits`);
  }
  if (entry.rule === undefined && entry.path === undefined && entry.fingerprint === undefined) {
    throw new BaselineError(`${where}: needs at least one of rule, path, fingerprint`);
  }
  return entry;
}

export async function loadBaseline(file: string): Promise<Baseline> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new BaselineError(`cannot read secret baseline ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  return parseBaseline(text, file);
}

/** Decides which findings a baseline suppresses. */
export class BaselineMatcher {
  private readonly fingerprints = new Set<string>();
  private readonly others: { rule?: string; path?: (p: string) => boolean; fingerprint?: string }[] = [];

  constructor(baseline: Baseline | undefined) {
    for (const e of baseline?.entries ?? []) {
      if (e.fingerprint !== undefined && e.rule === undefined && e.path === undefined) {
        this.fingerprints.add(e.fingerprint);
        continue;
      }
      this.others.push({
        ...(e.rule !== undefined ? { rule: e.rule } : {}),
        ...(e.path !== undefined ? { path: globMatcher([e.path]) } : {}),
        ...(e.fingerprint !== undefined ? { fingerprint: e.fingerprint } : {}),
      });
    }
  }

  suppresses(f: SecretFinding): boolean {
    if (this.fingerprints.has(f.fingerprint)) return true;
    return this.others.some(
      (e) =>
        (e.rule === undefined || e.rule === f.ruleId) &&
        (e.fingerprint === undefined || e.fingerprint === f.fingerprint) &&
        (e.path === undefined || e.path(f.path)),
    );
  }
}

/**
 * Writes a baseline accepting every given finding by fingerprint (one entry per distinct secret and rule).
 * It holds fingerprints and rule ids only; where each was seen goes in a comment, for the reviewer.
 */
export function writeBaseline(findings: readonly SecretFinding[], reason = "accepted in baseline"): string {
  const seen = new Map<string, { rule: string; where: Set<string> }>();
  for (const f of findings) {
    const at = `${f.path}:${f.line}`;
    const e = seen.get(f.fingerprint);
    if (e) e.where.add(at);
    else seen.set(f.fingerprint, { rule: f.ruleId, where: new Set([at]) });
  }
  const doc = new (yaml().Document)({
    version: 1,
    entries: [...seen].map(([fingerprint, e]) => ({ fingerprint, rule: e.rule, reason })),
  });
  doc.commentBefore =
    " Rampart secret baseline: findings matching an entry are not reported.\n" +
    " Entries hold salted fingerprints, never secrets; a fingerprint is only valid with the salt it was written with.";
  const entries = doc.get("entries") as Yaml.YAMLSeq;
  [...seen.values()].forEach((e, i) => {
    const item = entries.items[i] as Yaml.YAMLMap;
    const where = [...e.where].sort();
    const shown = where.slice(0, 5).map((w) => ` ${w}`);
    if (where.length > 5) shown.push(` … and ${where.length - 5} more`);
    item.commentBefore = shown.join("\n");
  });
  return doc.toString({ lineWidth: 0 });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
