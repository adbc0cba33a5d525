import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildImage, dpkgStatus, writeDockerArchive } from "../../../../test/fixtures/image-builder.js";
import { LayerCache } from "../cache/layer-cache.js";
import { openDockerArchive } from "../source/docker-archive.js";
import type { ImageSource } from "../source/source.js";
import { catalogSource } from "./scan.js";

let dir: string;
let archive: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rampart-scan-"));
  archive = join(dir, "img.tar");
  const img = await buildImage([
    [{ path: "var/lib/dpkg/status", content: dpkgStatus([{ name: "base", version: "1" }]) }],
    [
      {
        path: "var/lib/dpkg/status",
        content: dpkgStatus([
          { name: "base", version: "1" },
          { name: "extra", version: "2" },
        ]),
      },
    ],
  ]);
  await writeDockerArchive(archive, img);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Counts how often each layer's blob is opened. */
function counting(img: ImageSource): { img: ImageSource; opens: number[] } {
  const opens = img.layers.map(() => 0);
  const layers = img.layers.map((l, i) => ({
    ...l,
    open: () => {
      opens[i] = (opens[i] ?? 0) + 1;
      return l.open();
    },
  }));
  return { img: { ...img, layers }, opens };
}

describe("catalogSource with the layer cache", () => {
  it("reads every layer once cold and none warm, with the same result", async () => {
    const cache = new LayerCache(join(dir, "cache"));
    const a = counting(await openDockerArchive(archive));
    const cold = await catalogSource(a.img, { cache });
    expect(a.opens).toEqual([1, 1]);
    const b = counting(await openDockerArchive(archive));
    const warm = await catalogSource(b.img, { cache });
    expect(b.opens).toEqual([0, 0]);
    expect(warm.inventory.packages).toEqual(cold.inventory.packages);
    expect(
      cold.inventory.packages.map(
        (p) => `${p.name} ${p.locations[0]?.layer === a.img.layers[0]?.diffId ? "L0" : "L1"}`,
      ),
    ).toEqual(["base L0", "extra L1"]);
  });

  it("without a cache reads layers every time", async () => {
    const a = counting(await openDockerArchive(archive));
    await catalogSource(a.img, { cache: false });
    await catalogSource(a.img, { cache: false });
    expect(a.opens).toEqual([2, 2]);
  });
});
