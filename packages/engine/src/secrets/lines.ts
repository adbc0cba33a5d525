/**
 * Line and column lookups for byte offsets visited in increasing order: one forward walk over the file
 * however many findings it has, and columns counted without decoding whole lines (lines can be megabytes).
 */
const NEWLINE = 10;

export interface LineInfo {
  /** 1-based line number. */
  line: number;
  /** Byte offset of the line's first byte. */
  start: number;
  /** Byte offset of the line's end, before any "\r\n" or "\n". */
  end: number;
}

export class LineCursor {
  private line = 1;
  private lineStart = 0;
  private lineEnd = -1;
  // Column bookkeeping within the current line.
  private colOffset = 0;
  private colUnits = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /** The line holding byte `offset`; offsets must not decrease between calls. */
  at(offset: number): LineInfo {
    const b = this.bytes;
    for (;;) {
      if (this.lineEnd < 0) {
        const nl = b.indexOf(NEWLINE, this.lineStart);
        this.lineEnd = nl === -1 ? b.length : nl;
      }
      if (offset <= this.lineEnd || this.lineEnd === b.length) break;
      this.line++;
      this.lineStart = this.lineEnd + 1;
      this.lineEnd = -1;
      this.colOffset = this.lineStart;
      this.colUnits = 0;
    }
    const end = this.lineEnd > this.lineStart && b[this.lineEnd - 1] === 13 ? this.lineEnd - 1 : this.lineEnd;
    return { line: this.line, start: this.lineStart, end };
  }

  /** 1-based column of `offset` in UTF-16 code units; call after `at(offset)`. */
  column(offset: number): number {
    if (offset < this.colOffset) {
      this.colOffset = this.lineStart;
      this.colUnits = 0;
    }
    this.colUnits += utf16Units(this.bytes, this.colOffset, offset);
    this.colOffset = offset;
    return this.colUnits + 1;
  }
}

/** UTF-16 length of the UTF-8 bytes [from, to): continuation bytes add nothing, 4-byte sequences add two. */
export function utf16Units(b: Uint8Array, from: number, to: number): number {
  let units = 0;
  for (let i = from; i < to; i++) {
    const c = b[i] as number;
    if ((c & 0xc0) !== 0x80) units += c >= 0xf0 ? 2 : 1;
  }
  return units;
}
