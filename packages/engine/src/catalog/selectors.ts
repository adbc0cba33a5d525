import { posix } from "node:path";
import { type Cataloger, DEFAULT_MAX_BYTES } from "./cataloger.js";

/**
 * All catalogers' selectors folded into lookups that cost O(1) per file for names and one pass over the
 * few patterns: this runs for every file of every layer, so it must stay cheap.
 */
export class SelectorIndex {
  private readonly byBasename = new Map<string, Cataloger[]>();
  private readonly byExtension: Array<[string, Cataloger]> = [];
  private readonly byPattern: Array<[RegExp, Cataloger]> = [];
  private readonly byMagic: Array<[Uint8Array, Cataloger]> = [];
  /** Whether some magic selector also wants files without an execute bit. */
  private readonly magicOnAnyMode: boolean;
  /** How many leading bytes the magic checks need. */
  readonly magicLength: number;

  constructor(readonly catalogers: readonly Cataloger[]) {
    for (const c of catalogers) {
      const s = c.selector;
      for (const b of s.basenames ?? []) {
        const list = this.byBasename.get(b) ?? [];
        list.push(c);
        this.byBasename.set(b, list);
      }
      for (const e of s.extensions ?? []) this.byExtension.push([e.toLowerCase(), c]);
      for (const p of s.patterns ?? []) this.byPattern.push([p, c]);
      for (const m of s.magic ?? []) this.byMagic.push([m, c]);
    }
    this.magicLength = Math.max(0, ...this.byMagic.map(([m]) => m.length));
    this.magicOnAnyMode = this.byMagic.some(([, c]) => !c.selector.executableOnly);
  }

  /** Catalogers that want the file at `path`, by name or pattern. */
  byPath(path: string): Cataloger[] {
    const out: Cataloger[] = [];
    const add = (c: Cataloger) => {
      if (!out.includes(c) && (c.selector.accept?.(path) ?? true)) out.push(c);
    };
    const base = posix.basename(path);
    for (const c of this.byBasename.get(base) ?? []) add(c);
    if (this.byExtension.length > 0) {
      const lower = base.toLowerCase();
      for (const [ext, c] of this.byExtension) if (lower.endsWith(ext)) add(c);
    }
    for (const [re, c] of this.byPattern) if (re.test(path)) add(c);
    return out;
  }

  /** Is it worth reading the first bytes of a file of this mode and size? */
  wantsHead(mode: number, size: number): boolean {
    return this.magicLength > 0 && size >= this.magicLength && (this.magicOnAnyMode || (mode & 0o111) !== 0);
  }

  /** Catalogers whose magic bytes start `head`, for a file of this mode. */
  byHead(head: Uint8Array, mode: number): Cataloger[] {
    const out: Cataloger[] = [];
    const executable = (mode & 0o111) !== 0;
    for (const [magic, c] of this.byMagic) {
      if (c.selector.executableOnly && !executable) continue;
      if (head.length >= magic.length && magic.every((b, i) => head[i] === b) && !out.includes(c)) out.push(c);
    }
    return out;
  }

  static maxBytes(catalogers: readonly Cataloger[]): number {
    return Math.max(...catalogers.map((c) => c.selector.maxBytes ?? DEFAULT_MAX_BYTES));
  }
}
