import { LineBounds } from "./newlines.js";

/**
 * The parts of a file a rule's regex runs on. Around each keyword hit: the hit's own line, cut at `before`
 * bytes before the keyword and `after` bytes after it when the line is longer (minified code, one-line
 * JSON), and when it is not, `neighbors` bytes of the lines around it. Overlapping windows of one rule are
 * merged, so a rule reads each byte at most once: regex work per rule is bounded by the file size, however
 * many hits there are.
 *
 * A cut inside a line is a hard edge: a secret touching it is dropped (it may be the middle of a longer
 * token). At line breaks and the file's ends there is no such doubt.
 */
export interface Window {
  start: number;
  end: number;
  hardStart: boolean;
  hardEnd: boolean;
}

export interface Reach {
  before: number;
  after: number;
  neighbors: number;
}

export class WindowCollector {
  private readonly reach: readonly Reach[];
  private readonly curStart: Int32Array;
  private readonly curEnd: Int32Array;
  private readonly curHard: Uint8Array;
  private readonly closed: number[][];
  /** Rules with at least one hit in the current file, in first-hit order. */
  private readonly touched: number[] = [];
  private bytes: Uint8Array = new Uint8Array(0);
  private lines = new LineBounds(this.bytes);

  constructor(reach: readonly Reach[]) {
    const n = reach.length;
    this.reach = reach;
    this.curStart = new Int32Array(n);
    this.curEnd = new Int32Array(n).fill(-1);
    this.curHard = new Uint8Array(n);
    this.closed = Array.from({ length: n }, () => []);
  }

  /** Starts a file (dropping anything a failed previous file left behind). */
  begin(bytes: Uint8Array): void {
    for (const rule of this.touched) {
      (this.closed[rule] as number[]).length = 0;
      this.curEnd[rule] = -1;
    }
    this.touched.length = 0;
    this.bytes = bytes;
    this.lines = new LineBounds(bytes);
  }

  /** Records a keyword hit at [start, end) for a rule. Hits must come in order of `end`. */
  hit(rule: number, hitStart: number, hitEnd: number): void {
    const { before, after, neighbors } = this.reach[rule] as Reach;
    const n = this.bytes.length;
    const lineStart = this.lines.newlineBefore(hitStart) + 1;
    const lineEnd = this.lines.newlineFrom(hitEnd);
    const bytes = this.bytes;
    let start: number;
    let end: number;
    let hard = 0;
    if (hitStart - lineStart > before) {
      start = hitStart - before;
      hard |= HARD_START;
    } else {
      start = Math.max(0, lineStart - neighbors);
      if (start > 0 && bytes[start - 1] !== NL) hard |= HARD_START;
    }
    if (lineEnd - hitEnd > after) {
      end = hitEnd + after;
      hard |= HARD_END;
    } else {
      end = Math.min(n, lineEnd + neighbors);
      if (end < n && bytes[end] !== NL) hard |= HARD_END;
    }
    this.add(rule, start, end, hard);
  }

  /** The windows of every rule hit in the current file; resets the collector for the next one. */
  finish(): Map<number, Window[]> {
    const out = new Map<number, Window[]>();
    for (const rule of this.touched) {
      const raw = this.closed[rule] as number[];
      raw.push(this.curStart[rule] as number, this.curEnd[rule] as number, this.curHard[rule] as number);
      const windows: Window[] = [];
      for (let i = 0; i < raw.length; i += 3) {
        const hard = raw[i + 2] as number;
        windows.push({
          start: raw[i] as number,
          end: raw[i + 1] as number,
          hardStart: (hard & HARD_START) !== 0,
          hardEnd: (hard & HARD_END) !== 0,
        });
      }
      out.set(rule, windows);
      raw.length = 0;
      this.curEnd[rule] = -1;
    }
    this.touched.length = 0;
    return out;
  }

  private add(rule: number, start: number, end: number, hard: number): void {
    const curEnd = this.curEnd[rule] as number;
    if (curEnd < 0) {
      this.touched.push(rule);
    } else if (start <= curEnd) {
      const cur = this.curHard[rule] as number;
      if (end > curEnd) {
        this.curEnd[rule] = end;
        this.curHard[rule] = (cur & HARD_START) | (hard & HARD_END);
      }
      if (start < (this.curStart[rule] as number)) {
        this.curStart[rule] = start;
        this.curHard[rule] = ((this.curHard[rule] as number) & HARD_END) | (hard & HARD_START);
      }
      return;
    } else {
      (this.closed[rule] as number[]).push(this.curStart[rule] as number, curEnd, this.curHard[rule] as number);
    }
    this.curStart[rule] = start;
    this.curEnd[rule] = end;
    this.curHard[rule] = hard;
  }
}

const NL = 10;
const HARD_START = 1;
const HARD_END = 2;
