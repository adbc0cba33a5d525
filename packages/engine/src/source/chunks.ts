import type { Readable } from "node:stream";
import { EntryTooLargeError } from "./entry.js";

/**
 * Pull-based reader over one tar member's stream: lets a consumer peek at the first bytes, then read the
 * rest, then lets the walker drain whatever nobody read — without ever destroying the member stream
 * (which would tear down the whole archive).
 */
export class ChunkReader {
  private readonly it: AsyncIterator<Buffer>;
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private done = false;
  private consumed = false;

  constructor(
    stream: Readable,
    private readonly path: string,
    private readonly size: number,
    private readonly wrap: (e: unknown) => Error = (e) => e as Error,
  ) {
    this.it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  /** The next chunk; stream errors (a truncated archive) come out wrapped with the archive's name. */
  private async next(): Promise<IteratorResult<Buffer>> {
    try {
      return await this.it.next();
    } catch (e) {
      throw this.wrap(e);
    }
  }

  async peek(n: number): Promise<Buffer> {
    while (this.headBytes < n && !this.done) {
      const r = await this.next();
      if (r.done) this.done = true;
      else {
        this.head.push(r.value);
        this.headBytes += r.value.length;
      }
    }
    const all = this.head.length === 1 ? (this.head[0] as Buffer) : Buffer.concat(this.head);
    return all.subarray(0, n);
  }

  async read(limit: number): Promise<Buffer> {
    if (this.size > limit) throw new EntryTooLargeError(this.path, this.size, limit);
    if (this.consumed) throw new Error(`${this.path}: content already read`);
    this.consumed = true;
    const chunks = this.head.splice(0);
    let total = this.headBytes;
    while (!this.done) {
      const r = await this.next();
      if (r.done) this.done = true;
      else {
        chunks.push(r.value);
        total += r.value.length;
        if (total > limit) throw new EntryTooLargeError(this.path, total, limit);
      }
    }
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
  }

  /** Consumes what is left so the archive can move on to the next member. */
  async drain(): Promise<void> {
    this.head.length = 0;
    while (!this.done) {
      const r = await this.next();
      if (r.done) this.done = true;
    }
  }
}
