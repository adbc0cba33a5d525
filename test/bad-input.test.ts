import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { catalogSource, openDirectory, SourceError } from "@rampart/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildImage, packTar, writeDockerArchive, writeOciLayout } from "./fixtures/image-builder.js";
import { inventoryOf } from "./fixtures/scan.js";

let dir: string;
const tmpBefore = new Set<string>();
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rampart-bad-"));
  for (const f of await readdir(tmpdir())) tmpBefore.add(f);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  // nothing left behind in the temp directory by the scans themselves
  const left = (await readdir(tmpdir())).filter((f) => f.startsWith("rampart-") && !tmpBefore.has(f));
  expect(left).toEqual([]);
});

describe("bad image archives", () => {
  it("a truncated archive gives a clear error", async () => {
    const img = await buildImage([[{ path: "a.txt", content: "x".repeat(5000) }]], { gzip: false });
    const file = join(dir, "truncated.tar");
    await writeDockerArchive(file, img);
    const whole = await readFile(file);
    await writeFile(file, whole.subarray(0, Math.floor(whole.length / 2)));
    await expect(inventoryOf(file)).rejects.toThrow(SourceError);
    await expect(inventoryOf(file)).rejects.toThrow(/truncated|not an image archive|cannot read/);
  });

  it("a truncated gzip layer gives a clear error naming the layer", async () => {
    const img = await buildImage([[{ path: "var/lib/dpkg/status", content: "Package: x\n".repeat(2000) }]]);
    const layer = img.layers[0];
    if (!layer) throw new Error("no layer");
    layer.blob = layer.blob.subarray(0, layer.blob.length - 40);
    const file = join(dir, "truncated-layer.tar");
    await writeDockerArchive(file, img);
    await expect(inventoryOf(file)).rejects.toThrow(/layer sha256:[a-f0-9]{64}: cannot read gzip tar/);
  });

  it("layers with ../ paths and absolute symlinks out of the root: skipped or kept inside, nothing written outside", async () => {
    const victim = join(dir, "escaped.txt");
    const img = await buildImage([
      [
        { path: `../../../../../../../..${victim}`, content: "pwned" },
        { path: "etc/os-release", symlink: "/../../../../etc/os-release" },
        { path: "app/package-lock.json", symlink: "/etc/shadow" },
        { path: "app/node_modules/x/package.json", content: JSON.stringify({ name: "x", version: "1.0.0" }) },
      ],
    ]);
    const file = join(dir, "escape.tar");
    await writeDockerArchive(file, img);
    const inv = await inventoryOf(file);
    expect(existsSync(victim)).toBe(false);
    expect(inv.warnings.join("\n")).toMatch(/leaves the root/);
    // the absolute symlink is resolved inside the image, where there is no os-release: the host's is never read
    expect(inv.distro).toBeUndefined();
    expect(inv.packages.map((p) => p.name)).toEqual(["x"]);
  });

  it("symlink loops neither hang nor crash", async () => {
    const img = await buildImage([
      [
        { path: "etc/os-release", symlink: "loop-a" },
        { path: "etc/loop-a", symlink: "loop-b" },
        { path: "etc/loop-b", symlink: "/etc/loop-a" },
        { path: "usr/lib/self", symlink: "." },
        { path: "usr/lib/up", symlink: "../lib" },
      ],
    ]);
    const file = join(dir, "loops.tar");
    await writeDockerArchive(file, img);
    const inv = await inventoryOf(file);
    expect(inv.distro).toBeUndefined();
    expect(inv.packages).toEqual([]);
  });

  it("a manifest naming a missing blob is refused before any layer is read", async () => {
    const img = await buildImage([[{ path: "a", content: "a" }], [{ path: "b", content: "b" }]]);
    const layout = join(dir, "missing-blob");
    await writeOciLayout(layout, img);
    await rm(join(layout, "blobs", "sha256", (img.layers[1]?.digest ?? "").slice(7)));
    await expect(inventoryOf(`oci:${layout}`)).rejects.toThrow(/missing/);
  });

  it("a diffID that does not match the layer's content is refused", async () => {
    const img = await buildImage([[{ path: "a", content: "a" }]]);
    const other = await buildImage([[{ path: "a", content: "b" }]]);
    img.layers[0] = { ...(other.layers[0] as (typeof img.layers)[0]), diffId: img.layers[0]?.diffId ?? "" };
    const file = join(dir, "mismatch.tar");
    await writeDockerArchive(file, img);
    await expect(inventoryOf(file)).rejects.toThrow(/does not match the image's diffID/);
  });

  it("garbage where an archive should be gives a clear error", async () => {
    const file = join(dir, "garbage.tar");
    await writeFile(file, Buffer.alloc(4096, 0x41));
    await expect(inventoryOf(file)).rejects.toThrow(/not a tar archive|corrupt/);
    await writeFile(file, await packTar([{ path: "hello.txt", content: "not an image" }]));
    await expect(inventoryOf(file)).rejects.toThrow(/not an image archive/);
  });
});

describe("huge and sparse files", () => {
  it("a 10 GB sparse file in a directory is skipped with a warning, quickly", async () => {
    const root = join(dir, "sparse-root");
    await mkdir(join(root, "app"), { recursive: true });
    await writeFile(join(root, "app", "package-lock.json"), "");
    await truncate(join(root, "app", "package-lock.json"), 10 * 1024 ** 3);
    const started = Date.now();
    const result = await catalogSource(await openDirectory(root), { cache: false });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.inventory.warnings.join("\n")).toMatch(
      /package-lock\.json: 10737418240 bytes is over the .* limit; skipped/,
    );
  });

  it("a 10 GB sparse file inside a layer (GNU sparse tar) is walked past without being read", async () => {
    const root = join(dir, "sparse-layer");
    await mkdir(join(root, "app"), { recursive: true });
    await writeFile(join(root, "app", "disk.img"), "");
    await truncate(join(root, "app", "disk.img"), 10 * 1024 ** 3);
    await writeFile(join(root, "app", "package.json"), JSON.stringify({ name: "after", version: "1.0.0" }));
    await mkdir(join(root, "app", "node_modules", "after"), { recursive: true });
    await writeFile(
      join(root, "app", "node_modules", "after", "package.json"),
      JSON.stringify({ name: "after", version: "1.0.0" }),
    );
    const layerTar = join(dir, "sparse-layer.tar");
    execFileSync("tar", ["--sparse", "--format=gnu", "-C", root, "-cf", layerTar, "."]);
    const img = await buildImage([[]], { gzip: false });
    const layer = await readFile(layerTar);
    const { createHash } = await import("node:crypto");
    const diffId = `sha256:${createHash("sha256").update(layer).digest("hex")}`;
    const config = JSON.parse(img.config.toString());
    config.rootfs.diff_ids = [diffId];
    const file = join(dir, "sparse-image.tar");
    await writeDockerArchive(file, {
      config: Buffer.from(JSON.stringify(config)),
      layers: [{ tar: layer, blob: layer, diffId, digest: diffId }],
    });
    const started = Date.now();
    const inv = await inventoryOf(file);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(inv.packages.map((p) => `${p.name}@${p.version}`)).toEqual(["after@1.0.0"]);
  });
});

describe("directory sources", () => {
  it("do not follow symlinks out of the root or around a loop", async () => {
    const root = join(dir, "dir-links");
    await mkdir(join(root, "etc"), { recursive: true });
    await mkdir(join(root, "a"), { recursive: true });
    await symlink("/usr/lib/os-release", join(root, "etc", "os-release"));
    await symlink("..", join(root, "a", "loop"));
    await symlink("/", join(root, "a", "host-root"));
    const result = await catalogSource(await openDirectory(root), { cache: false });
    expect(result.inventory.distro).toBeUndefined();
    expect(result.inventory.packages).toEqual([]);
  });
});
