import { readFile, stat, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { exportDb, importDb } from "./archive.js";
import { updateDb } from "./build.js";
import { DbError } from "./errors.js";
import { VulnDb } from "./reader.js";
import { smallMirror, tempDir } from "./test-support.js";

const statusOf = (dir: string) => {
  const db = VulnDb.open(dir);
  try {
    const { path: _path, ...rest } = db.status();
    return rest;
  } finally {
    db.close();
  }
};

async function builtDb(ecosystems: string[]) {
  const dbDir = await tempDir("db");
  await updateDb({ dbDir, from: await smallMirror(ecosystems) });
  return dbDir;
}

describe("db export / import (air-gapped transfer)", () => {
  it("carries the whole DB in one file and installs it elsewhere", async () => {
    const from = await builtDb(["npm"]);
    const file = join(await tempDir("x"), "rampart-db.tar.gz");
    const meta = await exportDb(file, from);
    expect(meta.sha256).toMatch(/^[0-9a-f]{64}$/);
    const to = await tempDir("db");
    await importDb(file, to);
    expect(statusOf(to)).toEqual(statusOf(from));
  });

  it("refuses a truncated, altered or foreign archive and keeps the DB in place", async () => {
    const from = await builtDb(["npm"]);
    const target = await builtDb(["PyPI"]);
    const before = statusOf(target);
    const dir = await tempDir("x");
    const good = join(dir, "good.tar.gz");
    await exportDb(good, from);

    const cut = join(dir, "cut.tar.gz");
    await writeFile(cut, await readFile(good));
    await truncate(cut, Math.floor((await stat(cut)).size / 2));
    await expect(importDb(cut, target)).rejects.toThrow(/cut\.tar\.gz: not a readable DB archive/);

    // Flip bytes deep inside the DB: the checksum in metadata.json no longer matches.
    const tarBytes = gunzipSync(await readFile(good));
    tarBytes.fill(0x41, tarBytes.length - 40_000, tarBytes.length - 39_000);
    const altered = join(dir, "altered.tar.gz");
    await writeFile(altered, gzipSync(tarBytes));
    await expect(importDb(altered, target)).rejects.toThrow(/checksum mismatch/);

    const foreign = join(dir, "foreign.tar.gz");
    await writeFile(foreign, gzipSync(Buffer.alloc(1024)));
    await expect(importDb(foreign, target)).rejects.toThrow(DbError);

    expect(statusOf(target)).toEqual(before);
  });

  it("exporting with no DB says how to get one", async () => {
    await expect(exportDb(join(await tempDir("x"), "a.tar.gz"), await tempDir("none"))).rejects.toThrow(
      /rampart db update/,
    );
  });
});
