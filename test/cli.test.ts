import { existsSync, statSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rampart } from "./fixtures/cli.js";
import { testdata } from "./fixtures/testdata.js";

let dir: string;
let cacheDir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rampart-cli-"));
  cacheDir = join(dir, "cache");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("rampart sbom", () => {
  it("writes CycloneDX, SPDX, JSON and a table for the same image", async () => {
    const image = testdata("images/debian-bookworm.docker.tar");
    const cdx = await rampart(["sbom", image, "-f", "cyclonedx", "--cache-dir", cacheDir]);
    expect(cdx.code).toBe(0);
    const bom = JSON.parse(cdx.stdout);
    expect(bom.bomFormat).toBe("CycloneDX");
    expect(bom.specVersion).toBe("1.6");
    const libs = bom.components.filter((c: { type: string }) => c.type === "library");
    expect(libs.length).toBeGreaterThan(80);
    const spdx = JSON.parse((await rampart(["sbom", image, "-f", "spdx", "--cache-dir", cacheDir])).stdout);
    expect(spdx.spdxVersion).toBe("SPDX-2.3");
    const json = JSON.parse((await rampart(["sbom", image, "-f", "json", "--cache-dir", cacheDir])).stdout);
    expect(json.packages).toHaveLength(libs.length);
    const table = await rampart(["sbom", image, "--cache-dir", cacheDir]);
    expect(table.stdout).toMatch(/^NAME\s+VERSION\s+TYPE/m);
    expect(table.stdout).toMatch(/^libc6\s+2\.36-9\+deb12u\S+\s+deb/m);
  });

  it("reads its own SBOM back as a target and gives the same packages", async () => {
    const image = testdata("images/debian-bullseye.docker.tar");
    const out = join(dir, "bullseye.cdx.json");
    expect((await rampart(["sbom", image, "-f", "cyclonedx", "-o", out, "--cache-dir", cacheDir])).code).toBe(0);
    const fromImage = JSON.parse((await rampart(["sbom", image, "-f", "json", "--cache-dir", cacheDir])).stdout);
    const fromSbom = JSON.parse((await rampart(["sbom", out, "-f", "json"])).stdout);
    expect(fromSbom.packages.map((p: { purl: string }) => p.purl)).toEqual(
      fromImage.packages.map((p: { purl: string }) => p.purl),
    );
    expect(fromSbom.distro).toMatchObject({ id: "debian", versionId: "11" });
  });

  it("fails with exit code 1, a clear message and no output file on bad input", async () => {
    const bad = join(dir, "bad.tar");
    await writeFile(bad, Buffer.alloc(2048, 7));
    const out = join(dir, "never.json");
    const r = await rampart(["sbom", bad, "-f", "cyclonedx", "-o", out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^rampart: error: .*bad\.tar/m);
    expect(existsSync(out)).toBe(false);
    expect((await readdir(dir)).filter((f) => f.includes("never"))).toEqual([]);
    const missing = await rampart(["sbom", "./does-not-exist.tar"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no such file/);
  });

  it("writes to a device in place instead of replacing it (-o /dev/null)", async () => {
    const r = await rampart([
      "sbom",
      testdata("images/debian-bookworm.docker.tar"),
      "-f",
      "json",
      "-o",
      "/dev/null",
      "--cache-dir",
      cacheDir,
    ]);
    expect(r.code).toBe(0);
    expect(statSync("/dev/null").isCharacterDevice()).toBe(true);
  });

  it("fails with exit code 2 on a usage error", async () => {
    expect((await rampart(["sbom", "host", "-f", "xml"])).code).toBe(2);
    expect((await rampart(["sbom"])).code).toBe(2);
    expect((await rampart(["frobnicate"])).code).toBe(2);
  });

  it("uses the layer cache: a second run reads no layer", async () => {
    const image = testdata("images/vuln-app-1.0.oci.tar");
    const fresh = join(dir, "fresh-cache");
    const first = await rampart(["sbom", image, "-f", "json", "--cache-dir", fresh]);
    expect(first.code).toBe(0);
    const cached = (await readdir(fresh)).filter((f) => f.endsWith(".json"));
    expect(cached).toHaveLength(11);
    const second = await rampart(["sbom", image, "-f", "json", "--cache-dir", fresh]);
    expect(JSON.parse(second.stdout).packages).toEqual(JSON.parse(first.stdout).packages);
    // a cached result is trusted only for its own diffID: a corrupt entry is a miss, not an error
    await writeFile(join(fresh, cached[0] as string), "{ not json");
    const third = await rampart(["sbom", image, "-f", "json", "--cache-dir", fresh]);
    expect(third.code).toBe(0);
    expect(JSON.parse(third.stdout).packages).toEqual(JSON.parse(first.stdout).packages);
    expect(JSON.parse(await readFile(join(fresh, cached[0] as string), "utf8")).diffId).toMatch(/^sha256:/);
  });
});
