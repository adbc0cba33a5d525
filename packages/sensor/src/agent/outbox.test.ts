import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Report } from "@rampart/console/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { Outbox } from "./outbox.js";

const delta = (seq: number): Report => ({ seq, kind: "delta", baseSeq: seq - 1, at: "2026-11-21T00:00:00.000Z" });

describe("the sensor's outbox", () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), "rampart-outbox-"));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("keeps entries in order across a restart, and forgets only what was acknowledged", () => {
    const d = dir();
    const a = new Outbox(d, 1 << 20);
    a.push({ type: "report", report: delta(2) });
    a.push({ type: "upload", uploadId: "u1", body: { scanId: "s", kind: "done", content: {} } });
    a.push({ type: "report", report: delta(3) });
    a.shift();
    // A crash mid-write leaves a temp file: ignored and cleaned at the next start.
    writeFileSync(join(d, "000000000009-report.json.tmp"), '{"type":"rep');
    const b = new Outbox(d, 1 << 20);
    expect(b.length).toBe(2);
    expect(b.peek()).toMatchObject({ type: "upload", uploadId: "u1" });
    b.shift();
    expect(b.peek()).toMatchObject({ type: "report", report: { seq: 3 } });
    b.push({ type: "report", report: delta(4) });
    b.shift();
    expect(b.peek()).toMatchObject({ report: { seq: 4 } });
    expect(readdirSync(d).some((f) => f.endsWith(".tmp"))).toBe(false);
  });

  it("stays within its bound: the oldest reports go first (a full report will follow), uploads last", () => {
    const d = dir();
    const box = new Outbox(d, 2_000);
    box.push({ type: "upload", uploadId: "keep", body: { scanId: "s", kind: "done", content: {} } });
    for (let seq = 2; seq < 40; seq++) box.push({ type: "report", report: delta(seq) });
    expect(box.size).toBeLessThanOrEqual(2_000);
    expect(box.droppedReports).toBeGreaterThan(0);
    expect(box.droppedUploads).toBe(0);
    expect(box.peek()).toMatchObject({ type: "upload", uploadId: "keep" });
    const big = { type: "upload" as const, uploadId: "big", body: { content: "x".repeat(1_900) } };
    box.push(big);
    expect(box.droppedUploads).toBe(1);
    expect(box.peek()).toMatchObject({ uploadId: "big" });
  });

  it("drops every queued report at once when the console wants a full one, keeping uploads", () => {
    const box = new Outbox(dir(), 1 << 20);
    box.push({ type: "report", report: delta(2) });
    box.push({ type: "upload", uploadId: "u", body: {} });
    box.push({ type: "report", report: delta(3) });
    expect(box.dropReports()).toBe(2);
    expect(box.length).toBe(1);
    expect(box.peek()).toMatchObject({ uploadId: "u" });
  });
});
