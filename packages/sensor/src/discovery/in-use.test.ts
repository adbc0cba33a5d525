import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { mappedFiles, readInUse, undeleted } from "./in-use.js";
import type { ProcessRecord } from "./processes.js";
import { liveContext, testdata } from "./test-support.js";

const maps = (name: string) => readFileSync(testdata(name), "utf8");

describe("/proc/PID/maps", () => {
  it("lists a process's mapped files once each, without anonymous memory", () => {
    const files = mappedFiles(maps("maps-python.txt"));
    expect(files[0]).toBe("/root/.pyenv/versions/3.11.7/bin/python3.11");
    expect(files).toContain("/usr/lib/x86_64-linux-gnu/libc.so.6");
    expect(files).toContain("/root/.pyenv/versions/3.11.7/lib/libpython3.11.so.1.0");
    expect(new Set(files).size).toBe(files.length);
    expect(files.every((f) => f.startsWith("/"))).toBe(true);
    // As many files as distinct file-backed paths in the real file.
    const distinct = new Set(
      maps("maps-python.txt")
        .split("\n")
        .map((l) => l.split(/\s+/))
        .filter((f) => f[4] !== "0" && f[5]?.startsWith("/"))
        .map((f) => f[5]),
    );
    expect(files).toHaveLength(distinct.size);
  });

  it("keeps paths with spaces and deleted files, not memfd, shared memory or devices", () => {
    const files = mappedFiles(maps("maps-special.txt"));
    expect(files).toContain("/tmp/rt maps dir/with space.bin");
    expect(files).toContain("/tmp/rt maps dir/gone.bin"); // " (deleted)" dropped
    expect(files).toContain("/usr/lib/locale/C.utf8/LC_CTYPE");
    expect(files.filter((f) => /memfd|\/dev\/|\[|deleted/.test(f))).toEqual([]);
  });

  it("shows a container's files as the container names them", () => {
    // Copied from a process in a podman container: its own /usr/bin/sleep and libraries.
    expect(mappedFiles(maps("maps-container-sleep.txt"))).toEqual(
      expect.arrayContaining(["/usr/bin/sleep", "/usr/lib/x86_64-linux-gnu/libc.so.6"]),
    );
  });

  it("drops only the kernel's deleted mark", () => {
    expect(undeleted("/usr/lib/libssl.so.3 (deleted)")).toBe("/usr/lib/libssl.so.3");
    expect(undeleted("/usr/lib/libssl.so.3")).toBe("/usr/lib/libssl.so.3");
  });
});

describe("readInUse", () => {
  const self = (): ProcessRecord => ({
    pid: process.pid,
    ppid: process.ppid,
    comm: "node",
    command: "node",
    uid: 0,
    user: "root",
    exe: "/no/such/exe (deleted)",
    kernelThread: false,
  });

  it("lists the executable first, then what the process maps", async () => {
    const [item] = await readInUse(liveContext(), [self()]);
    expect(item?.pid).toBe(process.pid);
    expect(item?.files[0]).toBe("/no/such/exe");
    expect(item?.files.some((f) => /\/libc\.so/.test(f))).toBe(true);
  });

  it("keeps to the bounds per process and in all, and says so", async () => {
    const ctx = liveContext();
    const items = await readInUse(ctx, [self(), { ...self(), pid: process.pid }, { ...self(), kernelThread: true }], {
      maxFilesPerProcess: 3,
      maxTotalFiles: 5,
    });
    expect(items.map((i) => i.files.length)).toEqual([3, 2]);
    expect(ctx.warnings).toHaveLength(1);
    expect(ctx.warnings[0]).toMatch(/mapped files over the in-use limits were left out/);
  });
});
