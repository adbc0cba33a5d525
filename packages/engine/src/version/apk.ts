import type { VersionScheme } from "./scheme.js";

/**
 * Alpine / Wolfi / Chainguard package versions: digit{.digit}...{letter}{_suf{#}}...{~hash}{-r#}.
 * Hand-written: no npm package implements apk's ordering. Port of apk-tools src/version.c (the current
 * token_first/token_next/token_cmp implementation): a non-initial number with a leading zero compares as a
 * string, pre-release suffixes (_alpha < _beta < _pre < _rc) sort before the bare version and post-release ones
 * (_cvs < _svn < _git < _hg < _p) after it, then the ~commit hash, then -rN.
 */
enum Token {
  InitialDigit = 0,
  Digit = 1,
  Letter = 2,
  Suffix = 3,
  SuffixNo = 4,
  CommitHash = 5,
  RevisionNo = 6,
  End = 7,
  Invalid = 8,
}

const SUFFIX_NONE = 5;
const SUFFIXES = new Map<string, number>([
  ["alpha", 1],
  ["beta", 2],
  ["pre", 3],
  ["rc", 4],
  ["cvs", 6],
  ["svn", 7],
  ["git", 8],
  ["hg", 9],
  ["p", 10],
]);

interface TokenState {
  token: Token;
  /** The token's text (digits, letter, suffix name or hash). */
  value: string;
  /** apk_blob_pull_uint(): the digits as an unsigned 64-bit number (wrapping like C). */
  number: bigint;
  suffix: number;
}

class Tokenizer {
  pos = 0;
  readonly t: TokenState = { token: Token.InitialDigit, value: "", number: 0n, suffix: 0 };
  constructor(private readonly s: string) {
    this.digits();
  }

  private digits(): void {
    const start = this.pos;
    while (this.pos < this.s.length && isDigit(this.s.charCodeAt(this.pos))) this.pos++;
    this.t.value = this.s.slice(start, this.pos);
    this.t.number = this.t.value ? BigInt.asUintN(64, BigInt(this.t.value)) : 0n;
    if (this.t.value === "") this.t.token = Token.Invalid;
  }

  private span(ok: (c: number) => boolean): string {
    const start = this.pos;
    while (this.pos < this.s.length && ok(this.s.charCodeAt(this.pos))) this.pos++;
    return this.s.slice(start, this.pos);
  }

  next(): void {
    const t = this.t;
    if (this.pos >= this.s.length) {
      t.token = Token.End;
      return;
    }
    const c = this.s.charCodeAt(this.pos);
    if (isLower(c)) {
      if (t.token > Token.Digit) {
        this.invalid();
        return;
      }
      t.value = this.s[this.pos] ?? "";
      t.token = Token.Letter;
      this.pos++;
    } else if (c === 46 /* . */ || isDigit(c)) {
      if (c === 46) {
        if (t.token > Token.Digit) {
          this.invalid();
          return;
        }
        this.pos++;
      }
      if (t.token === Token.InitialDigit || t.token === Token.Digit) t.token = Token.Digit;
      else if (t.token === Token.Suffix) t.token = Token.SuffixNo;
      else {
        this.invalid();
        return;
      }
      this.digits();
    } else if (c === 95 /* _ */) {
      if (t.token > Token.SuffixNo) {
        this.invalid();
        return;
      }
      this.pos++;
      t.value = this.span(isLower);
      t.suffix = SUFFIXES.get(t.value) ?? 0;
      if (t.suffix === 0) {
        this.invalid();
        return;
      }
      t.token = Token.Suffix;
    } else if (c === 126 /* ~ */) {
      if (t.token >= Token.CommitHash) {
        this.invalid();
        return;
      }
      this.pos++;
      t.value = this.span(isHex);
      if (t.value === "") {
        this.invalid();
        return;
      }
      t.token = Token.CommitHash;
    } else if (c === 45 /* - */) {
      if (t.token >= Token.RevisionNo) {
        this.invalid();
        return;
      }
      if (this.s[this.pos + 1] !== "r") {
        this.invalid();
        return;
      }
      this.pos += 2;
      t.token = Token.RevisionNo;
      this.digits();
    } else {
      this.invalid();
    }
  }

  private invalid(): void {
    this.t.token = Token.Invalid;
  }
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isLower = (c: number) => c >= 97 && c <= 122;
const isHex = (c: number) => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

/** apk_blob_sort(): memcmp over the common length, then the shorter first. */
function blobSort(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function tokenCmp(a: TokenState, b: TokenState): number {
  let x: bigint | number;
  let y: bigint | number;
  switch (a.token) {
    case Token.Digit:
      // A leading zero means "compare as strings", as in Gentoo's version rules.
      if (a.value[0] === "0" || b.value[0] === "0") return blobSort(a.value, b.value);
      x = a.number;
      y = b.number;
      break;
    case Token.InitialDigit:
    case Token.SuffixNo:
    case Token.RevisionNo:
      x = a.number;
      y = b.number;
      break;
    case Token.Letter:
      x = a.value.charCodeAt(0);
      y = b.value.charCodeAt(0);
      break;
    case Token.Suffix:
      x = a.suffix;
      y = b.suffix;
      break;
    default:
      return blobSort(a.value, b.value);
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

export function validApk(v: string): boolean {
  const t = new Tokenizer(v);
  while (t.t.token < Token.End) t.next();
  return t.t.token === Token.End;
}

export function compareApk(a: string, b: string): number {
  const ta = new Tokenizer(a);
  const tb = new Tokenizer(b);
  while (ta.t.token === tb.t.token && ta.t.token < Token.End) {
    const r = tokenCmp(ta.t, tb.t);
    if (r !== 0) return r;
    ta.next();
    tb.next();
  }
  const x = ta.t;
  const y = tb.t;
  if (x.token === y.token) return 0;
  // Equal so far: the longer version is newer, unless what follows is a pre-release suffix.
  if (x.token === Token.Suffix && x.suffix < SUFFIX_NONE) return -1;
  if (y.token === Token.Suffix && y.suffix < SUFFIX_NONE) return 1;
  if (x.token > y.token) return -1;
  if (y.token > x.token) return 1;
  return 0;
}

export const apk: VersionScheme = { name: "apk", valid: validApk, compare: compareApk };
