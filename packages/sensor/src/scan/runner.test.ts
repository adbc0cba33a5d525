import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runScan, ScanFailed } from "./runner.js";

// Stand-in workers (real processes): they report how they were started instead of scanning, so the runner's
// own duties — priority, heap limit, deadline, abort, errors — are checked without the engine.
const dir = mkdtempSync(join(tmpdir(), "rampart-runner-"));
const worker = (name: string, body: string) => {
  const file = join(dir, `${name}.cjs`);
  writeFileSync(file, body);
  return { args: [file] };
};
const reporter = worker(
  "reporter",
  `const fs = require("fs"); const job = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
   const stat = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
   const heap = require("v8").getHeapStatistics().heap_size_limit;
   fs.writeFileSync(job.out, JSON.stringify({ sbom: {}, warnings: [String(stat[16]), String(heap), process.env.RAMPART_API_KEY ?? "no key"], packages: job.scanners.length }));`,
);
const sleeper = worker("sleeper", "setTimeout(() => {}, 60_000);");
const failing = worker(
  "failing",
  'process.stderr.write("cannot open /nowhere: no such directory\\n"); process.exit(1);',
);
const subject = { kind: "host" as const, root: "/", name: "h", procRoot: "/proc" };

describe("the scan runner", () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("runs the worker at the asked niceness and heap limit, without the sensor's key, and returns what it wrote", async () => {
    process.env.RAMPART_API_KEY = "rpk_must_not_reach_the_worker";
    const out = await runScan(reporter, subject, ["secret"], { scratch: dir, limits: { nice: 12, heapMb: 256 } });
    delete process.env.RAMPART_API_KEY;
    const [nice, heap] = out.warnings.map(Number);
    expect(out.warnings[2]).toBe("no key");
    expect(nice).toBe(12);
    // V8's limit is the old space asked for plus the young generation: far below the default of gigabytes.
    expect(heap).toBeLessThan(400 * 1024 * 1024);
    expect(out.packages).toBe(1);
    // Its job directory is gone.
    expect(readdirSync(dir).filter((f) => f.startsWith("scan-"))).toEqual([]);
  });

  it("kills a worker past its deadline, stops one when aborted, and reports a worker's error", async () => {
    await expect(runScan(sleeper, subject, [], { scratch: dir, limits: { timeoutMs: 300 } })).rejects.toThrow(
      /deadline or memory/,
    );
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 200);
    await expect(runScan(sleeper, subject, [], { scratch: dir, signal: abort.signal })).rejects.toThrow();
    await expect(runScan(failing, subject, [], { scratch: dir })).rejects.toThrow(ScanFailed);
    await expect(runScan(failing, subject, [], { scratch: dir })).rejects.toThrow(/no such directory/);
  });
});
