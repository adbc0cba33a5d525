import { execFileSync } from "node:child_process";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { packTar } from "../../../../test/fixtures/image-builder.js";
import type { FileEntry } from "./entry.js";
import { walkTar } from "./tar.js";

async function collect(buf: Buffer, expectDiffId?: string) {
  const warnings: string[] = [];
  const entries: Array<Pick<FileEntry, "path" | "kind" | "linkTarget"> & { text?: string }> = [];
  for await (const e of walkTar(Readable.from([buf]), {
    label: "test layer",
    warn: (m) => warnings.push(m),
    ...(expectDiffId ? { expectDiffId } : {}),
  })) {
    entries.push({
      path: e.path,
      kind: e.kind,
      ...(e.linkTarget ? { linkTarget: e.linkTarget } : {}),
      ...(e.kind === "file" ? { text: (await e.read(1 << 20)).toString().slice(0, 20) } : {}),
    });
  }
  return { entries, warnings };
}

describe("walkTar", () => {
  it("turns whiteouts and opaque markers into entries of their own", async () => {
    const t = await packTar([
      { path: "etc/", dir: true },
      { path: "etc/.wh.passwd", content: "" },
      { path: "usr/lib/.wh..wh..opq", content: "" },
      { path: "./app/a.txt", content: "hello" },
    ]);
    const { entries } = await collect(t);
    expect(entries).toEqual([
      { path: "/etc", kind: "dir" },
      { path: "/etc/passwd", kind: "whiteout" },
      { path: "/usr/lib", kind: "opaque" },
      { path: "/app/a.txt", kind: "file", text: "hello" },
    ]);
  });

  it("reads gzip, zstd and plain layers alike", async () => {
    const t = await packTar([
      { path: "a", content: "x" },
      { path: "b", content: Buffer.alloc(300_000, 7) },
    ]);
    const zstd = execFileSync("zstd", ["-q", "-c"], { input: t });
    const plain = (await collect(t)).entries;
    expect(plain).toHaveLength(2);
    expect((await collect(gzipSync(t))).entries).toEqual(plain);
    expect((await collect(zstd)).entries).toEqual(plain);
  });

  it("skips members that climb out of the root, with a warning", async () => {
    const t = await packTar([
      { path: "../../etc/evil", content: "x" },
      { path: "ok", content: "y" },
      { path: "link", hardlink: "../../../etc/shadow" },
    ]);
    const { entries, warnings } = await collect(t);
    expect(entries.map((e) => e.path)).toEqual(["/ok"]);
    expect(warnings.join("\n")).toMatch(/leaves the root/);
    expect(warnings).toHaveLength(2);
  });

  it("keeps absolute symlink targets as written (resolved later, inside the root)", async () => {
    const t = await packTar([{ path: "etc/os-release", symlink: "/../../usr/lib/os-release" }]);
    expect((await collect(t)).entries).toEqual([
      { path: "/etc/os-release", kind: "symlink", linkTarget: "/../../usr/lib/os-release" },
    ]);
  });

  it("fails clearly on a truncated tar and a truncated gzip", async () => {
    const t = await packTar([{ path: "big", content: Buffer.alloc(10_000, 1) }]);
    await expect(collect(t.subarray(0, 3000))).rejects.toThrow(/test layer: cannot read tar/);
    const gz = gzipSync(t);
    await expect(collect(gz.subarray(0, gz.length - 20))).rejects.toThrow(
      /test layer: cannot read gzip tar.*truncated/,
    );
  });

  it("checks the content against the diffID", async () => {
    const t = await packTar([{ path: "a", content: "x" }]);
    await expect(collect(t, `sha256:${"0".repeat(64)}`)).rejects.toThrow(/does not match the image's diffID/);
  });

  it("refuses a layer that decompresses past the ceiling", async () => {
    const t = await packTar([{ path: "zeros", content: Buffer.alloc(1 << 20) }]);
    const run = async () => {
      for await (const _ of walkTar(Readable.from([gzipSync(t)]), {
        label: "bomb",
        warn: () => {},
        maxUncompressedBytes: 100_000,
      }))
        void _;
    };
    await expect(run()).rejects.toThrow(/decompresses to more than 100000 bytes/);
  });
});
