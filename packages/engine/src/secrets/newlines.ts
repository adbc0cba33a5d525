/**
 * The line around each keyword hit, for hits that move forward through a file. Each look-up re-scans only
 * bytes no earlier look-up scanned (native memchr through indexOf/lastIndexOf), so a file's look-ups cost
 * O(file size) in all, whatever the number of hits or the line lengths: the property the hostile-input tests
 * check.
 */
const NL = 10;

/** Last newline before `p` and first newline at or after `p`, for p moving forward. */
export class LineBounds {
  private at = 0;
  private prev = -1;
  private next = -1;

  constructor(private readonly bytes: Uint8Array) {}

  /** Offset of the last newline before `p`, or -1. */
  newlineBefore(p: number): number {
    if (p < this.at) {
      // Hits come in order of end; a start may step back by less than a keyword's length.
      if (p > this.prev) return this.prev;
      return this.bytes.subarray(0, p).lastIndexOf(NL);
    }
    if (this.next !== -1 && this.next < p) {
      // A newline lies in [at, p): the last one is found by looking back from p, no further than `at`.
      const back = this.bytes.subarray(this.next, p).lastIndexOf(NL);
      this.prev = this.next + back;
      this.next = -1;
    } else if (this.next === -1 && p > this.at) {
      const back = this.bytes.subarray(this.at, p).lastIndexOf(NL);
      if (back !== -1) this.prev = this.at + back;
    }
    this.at = p;
    return this.prev;
  }

  /** Offset of the first newline at or after `p`, or the file length. Call after newlineBefore(≤ p). */
  newlineFrom(p: number): number {
    if (this.next !== -1 && this.next >= p && this.at <= p) return this.next;
    const found = this.bytes.indexOf(NL, p);
    const next = found === -1 ? this.bytes.length : found;
    // Remember it as the first newline after `at` only if none lies in [at, p) (the keyword itself).
    if (p >= this.at && this.bytes.subarray(this.at, p).indexOf(NL) === -1) this.next = next;
    return next;
  }
}
