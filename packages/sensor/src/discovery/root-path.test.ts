import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readHostFile, resolveInRoot } from "./root-path.js";

describe("paths inside the host's root", () => {
  const root = mkdtempSync(join(tmpdir(), "rt-root-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, "etc"));
  mkdirSync(join(root, "usr/lib"), { recursive: true });
  writeFileSync(join(root, "usr/lib/os-release"), "ID=inside\n");
  symlinkSync("/usr/lib/os-release", join(root, "etc/os-release")); // absolute: must stay in the root
  symlinkSync("../usr/lib/os-release", join(root, "etc/relative"));
  symlinkSync("../../../../../../usr/lib/os-release", join(root, "etc/escaping"));
  symlinkSync("loop-b", join(root, "etc/loop-a"));
  symlinkSync("loop-a", join(root, "etc/loop-b"));
  symlinkSync("/usr", join(root, "linkdir"));

  it("resolves absolute and relative links within the root", async () => {
    expect(await readHostFile(root, "/etc/os-release")).toBe("ID=inside\n");
    expect(await readHostFile(root, "/etc/relative")).toBe("ID=inside\n");
    expect(await readHostFile(root, "/etc/escaping")).toBe("ID=inside\n");
    expect(await readHostFile(root, "/linkdir/lib/os-release")).toBe("ID=inside\n");
    expect(await resolveInRoot(root, "/etc/os-release")).toBe(join(root, "usr/lib/os-release"));
  });

  it("gives up on loops and reports missing files as missing", async () => {
    expect(await resolveInRoot(root, "/etc/loop-a")).toBeUndefined();
    expect(await readHostFile(root, "/etc/loop-a")).toBeUndefined();
    expect(await readHostFile(root, "/etc/none")).toBeUndefined();
  });

  it("reads the real path when the root is /", async () => {
    expect(await resolveInRoot("/", "/etc/os-release")).toBe("/etc/os-release");
  });
});
