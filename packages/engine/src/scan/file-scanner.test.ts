import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildImage, dpkgStatus, writeDockerArchive } from "../../../../test/fixtures/image-builder.js";
import { LayerCache } from "../cache/layer-cache.js";
import { openDockerArchive } from "../source/docker-archive.js";
import type { FileScanner } from "./file-scanner.js";
import { catalogSource } from "./scan.js";

/** A scanner that records what the pass hands it, and takes the bytes over as a worker transfer would. */
class RecordingScanner implements FileScanner {
  readonly name = "recording";
  readonly seen: string[] = [];
  constructor(readonly maxFileBytes: number) {}
  wants(path: string): boolean {
    return !path.endsWith(".skip");
  }
  async scan(path: string, content: Buffer, layer?: string): Promise<void> {
    await new Promise((r) => setTimeout(r, 1));
    this.seen.push(`${layer?.slice(7, 15) ?? "-"} ${path} ${content.toString("utf8")}`);
    structuredClone(content.buffer, { transfer: [content.buffer as ArrayBuffer] });
  }
}

let dir: string;
let archive: string;
let diffIds: string[];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rampart-filescan-"));
  archive = join(dir, "img.tar");
  const img = await buildImage([
    [
      { path: "var/lib/dpkg/status", content: dpkgStatus([{ name: "base", version: "1" }]) },
      { path: "etc/app.conf", content: "token=one" },
      { path: "big.bin", content: "x".repeat(2000) },
      { path: "notes.skip", content: "skipped" },
    ],
    [{ path: "etc/app.conf", content: "token=two" }],
  ]);
  diffIds = img.layers.map((l) => l.diffId.slice(7, 15));
  await writeDockerArchive(archive, img);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("file scanners in the one pass", () => {
  it("get every wanted file of every layer once, beside the catalogers, also when the layers are cached", async () => {
    const cache = new LayerCache(join(dir, "cache"));
    for (const round of ["cold", "warm"]) {
      const scanner = new RecordingScanner(1000);
      const src = await openDockerArchive(archive);
      const r = await catalogSource(src, { cache, fileScanners: [scanner] });
      await src.close();
      expect(
        r.inventory.packages.map((p) => p.name),
        round,
      ).toEqual(["base"]);
      expect(scanner.seen.sort(), round).toEqual(
        [
          `${diffIds[0]} /etc/app.conf token=one`,
          `${diffIds[0]} /var/lib/dpkg/status ${dpkgStatus([{ name: "base", version: "1" }])}`,
          `${diffIds[1]} /etc/app.conf token=two`,
        ].sort(),
      );
    }
  });

  it("two scanners each get their own bytes", async () => {
    const a = new RecordingScanner(1000);
    const b = new RecordingScanner(1000);
    const src = await openDockerArchive(archive);
    await catalogSource(src, { cache: false, fileScanners: [a, b] });
    await src.close();
    expect(a.seen.sort()).toEqual(b.seen.sort());
    expect(a.seen).toHaveLength(3);
  });
});
