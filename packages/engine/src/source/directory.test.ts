import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDirectory } from "./directory.js";

describe("directories as sources", () => {
  const dir = mkdtempSync(join(tmpdir(), "rampart-dir-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("resolves a symlinked directory to where it points", async () => {
    mkdirSync(join(dir, "real"));
    symlinkSync(join(dir, "real"), join(dir, "link"));
    expect((await openDirectory(join(dir, "link"))).root).toBe(join(dir, "real"));
  });

  it("reads /proc/PID/root through as given: resolving it would name this namespace's / instead", async () => {
    const child = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      const root = `/proc/${child.pid}/root`;
      const src = await openDirectory(`${root}/`, { transport: "host" });
      expect(src.root).toBe(root);
      // The path stays the magic link (realpath would give "/"); test/sensor-containers.test.ts reads a
      // container's files through it and finds its image's packages.
      expect((await openDirectory(root)).root).toBe(root);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
