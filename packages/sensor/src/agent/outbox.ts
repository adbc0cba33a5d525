import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Report } from "@rampart/console/protocol";
import { writeFileAtomic } from "../atomic.js";

/** What waits to be sent, in order: topology reports and scan uploads (by the id that makes retries safe). */
export type Entry =
  | { type: "report"; report: Report }
  | { type: "upload"; uploadId: string; body: Record<string, unknown> };

interface Stored {
  file: string;
  size: number;
  type: Entry["type"];
}

/**
 * The sensor's durable, bounded queue of what the console has not acknowledged yet. Each entry is a file
 * (written to a temp name, then renamed: a crash leaves it whole or absent), named by an increasing number,
 * so a restarted sensor sends what it had in the order it had it. When the bytes exceed the bound, the oldest
 * reports go first — the sensor then owes the console a full report, which restores the topology (what came
 * and went meanwhile is lost, and counted) — then the oldest uploads.
 */
export class Outbox {
  private readonly entries: Stored[] = [];
  private next = 1;
  private bytes = 0;
  /** Reports dropped to keep within the bound since the last full report was queued. */
  droppedReports = 0;
  droppedUploads = 0;

  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const name of readdirSync(dir).sort()) {
      const m = /^(\d{12})-(report|upload)\.json$/.exec(name);
      if (!m) {
        if (name.endsWith(".tmp")) rmSync(join(dir, name), { force: true });
        continue;
      }
      const size = statSync(join(dir, name)).size;
      this.entries.push({ file: name, size, type: m[2] as Entry["type"] });
      this.bytes += size;
      this.next = Number(m[1]) + 1;
    }
  }

  get length(): number {
    return this.entries.length;
  }

  get size(): number {
    return this.bytes;
  }

  /** Queues an entry durably. */
  push(entry: Entry): void {
    const text = JSON.stringify(entry);
    const size = Buffer.byteLength(text);
    this.makeRoom(size);
    const file = `${String(this.next++).padStart(12, "0")}-${entry.type}.json`;
    writeFileAtomic(join(this.dir, file), text);
    this.entries.push({ file, size, type: entry.type });
    this.bytes += size;
  }

  /** The oldest entry, or undefined when everything was acknowledged. An unreadable entry is dropped. */
  peek(): Entry | undefined {
    while (this.entries.length) {
      const head = this.entries[0] as Stored;
      try {
        return JSON.parse(readFileSync(join(this.dir, head.file), "utf8")) as Entry;
      } catch {
        this.shift();
      }
    }
    return undefined;
  }

  /** Drops the oldest entry (acknowledged, or refused for good). */
  shift(): void {
    const head = this.entries.shift();
    if (!head) return;
    this.bytes -= head.size;
    rmSync(join(this.dir, head.file), { force: true });
  }

  /** Drops every queued report (the console wants a full one); uploads stay. Returns how many were dropped. */
  dropReports(): number {
    let n = 0;
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i] as Stored;
      if (e.type !== "report") continue;
      this.entries.splice(i, 1);
      this.bytes -= e.size;
      rmSync(join(this.dir, e.file), { force: true });
      n++;
    }
    return n;
  }

  private makeRoom(size: number): void {
    if (this.bytes + size <= this.maxBytes) return;
    const dropped = this.dropReports();
    this.droppedReports += dropped;
    while (this.entries.length && this.bytes + size > this.maxBytes) {
      this.shift();
      this.droppedUploads++;
    }
  }
}
