import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { testdata as labFile } from "../../../../../test/fixtures/testdata.js";
import type { PackageInput } from "../../package/package.js";
import { runCataloger } from "../test-support.js";
import { goModuleBinaryCataloger, stdlibVersion } from "./binary-cataloger.js";

const testdata = join(import.meta.dirname, "testdata");

function catalog(path: string, content = readFileSync(path)) {
  const { packages: found, warnings } = runCataloger(goModuleBinaryCataloger, path, content, 0o755);
  return { found, warnings };
}

const nameVersions = (ps: PackageInput[]) => ps.map((p) => `${p.name}@${p.version}`).sort();

const hasGo = (() => {
  try {
    execFileSync("go", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/**
 * What the Go toolchain reports for a binary, read from `go version -m` independently of our parser: deps after
 * replacement (directory replacements dropped), the main module when versioned, and stdlib.
 */
function goVersionM(path: string): string[] {
  const lines = execFileSync("go", ["version", "-m", path], { encoding: "utf8" }).split("\n");
  const goVersion = (lines[0] ?? "").split(": ")[1]?.trim() ?? "";
  const out = [`stdlib@${goVersion.replace(/^go/, "")}`];
  let pending: string | undefined;
  const flush = () => {
    if (pending) out.push(pending);
    pending = undefined;
  };
  for (const line of lines.slice(1)) {
    const [, kind, p, v] = line.split("\t");
    if (kind === "dep" || (kind === "mod" && v !== "(devel)")) {
      flush();
      pending = `${p}@${v}`;
    } else if (kind === "=>") {
      pending = p?.startsWith(".") || p?.startsWith("/") ? undefined : `${p}@${v}`;
    } else if (kind) {
      flush();
    }
  }
  flush();
  return out.sort();
}

describe("go-module-binary-cataloger on the lab Go binaries", () => {
  it("reads rampart-goapp (go1.19.8, inline build info)", () => {
    const path = labFile("layers/go/usr/local/bin/rampart-goapp");
    const { found, warnings } = catalog(path);
    expect(warnings).toEqual([]);
    expect(nameVersions(found)).toEqual([
      "golang.org/x/net@v0.7.0",
      "golang.org/x/text@v0.7.0",
      "gopkg.in/yaml.v2@v2.4.0",
      "stdlib@1.19.8",
    ]);
    for (const p of found) {
      expect(p).toMatchObject({ type: "golang", location: { path } });
      expect(p.namespace).toBeUndefined();
      expect(p.metadata).toMatchObject({
        goCompiledVersion: "go1.19.8",
        architecture: "amd64",
        mainModule: "example.com/rampart-goapp",
      });
    }
    if (hasGo) expect(nameVersions(found)).toEqual(goVersionM(path));
  });

  it("reads direnv (go1.15.8, build info behind pointers)", () => {
    const path = labFile("layers/go/usr/local/bin/direnv");
    const { found, warnings } = catalog(path);
    expect(warnings).toEqual([]);
    expect(nameVersions(found)).toEqual([
      "github.com/BurntSushi/toml@v0.3.1",
      "github.com/direnv/go-dotenv@v0.0.0-20181227095604-4cce6d1a66f7",
      "github.com/mattn/go-isatty@v0.0.12",
      "golang.org/x/mod@v0.4.0",
      "golang.org/x/sys@v0.0.0-20200116001909-b77594299b42",
      "stdlib@1.15.8",
    ]);
    expect(found[0]?.metadata).toMatchObject({ goCompiledVersion: "go1.15.8", architecture: "amd64" });
    if (hasGo) expect(nameVersions(found)).toEqual(goVersionM(path));
  });

  it("rejects shared libraries and other ELF files quickly and quietly", () => {
    const libc = labFile("rootfs-bookworm/usr/lib/x86_64-linux-gnu/libc.so.6");
    const content = readFileSync(libc);
    expect(catalog(libc, content)).toEqual({ found: [], warnings: [] });
    expect(catalog(labFile("rootfs-bookworm/usr/bin/ls"))).toEqual({ found: [], warnings: [] });
    const runs = 200;
    const start = performance.now();
    for (let i = 0; i < runs; i++) catalog(libc, Buffer.from(content.buffer, content.byteOffset, content.length));
    // Generous bound (a shared CI core): the check reads headers and at most 64 KiB, never the whole file.
    expect((performance.now() - start) / runs).toBeLessThan(5);
  });
});

describe("go-module-binary-cataloger on built fixtures (testdata/build.sh)", () => {
  for (const arch of ["amd64", "386", "mips"]) {
    it(`reads the ${arch} build: replacements applied, directory replacement dropped`, () => {
      const path = join(testdata, "bin", `fixture-${arch}`);
      const { found, warnings } = catalog(path);
      expect(warnings).toEqual([]);
      expect(nameVersions(found)).toEqual([
        "example.com/greeting@v1.2.3",
        "example.com/newname@v0.2.0",
        "stdlib@1.19.8",
      ]);
      expect(found.find((p) => p.name === "example.com/newname")?.metadata?.replaces).toBe(
        "example.com/oldname@v0.1.0",
      );
      expect(found[0]?.metadata?.architecture).toBe(arch);
      if (hasGo) expect(nameVersions(found)).toEqual(goVersionM(path));
    });
  }

  for (const [file, arch, bits] of [
    ["oldformat-mips", "mips", 32],
    ["oldformat-s390x", "s390x", 64],
  ] as const) {
    it(`reads pre-1.18 build info in a big-endian ${bits}-bit ELF`, () => {
      const path = join(testdata, "bin", file);
      const { found, warnings } = catalog(path);
      expect(warnings).toEqual([]);
      expect(nameVersions(found)).toEqual([
        "example.com/oldfmt@v1.4.0",
        "github.com/pkg/errors@v0.9.1",
        "golang.org/x/sys@v0.1.0",
        "stdlib@1.15.15",
      ]);
      const main = found.find((p) => p.name === "example.com/oldfmt");
      expect(main?.metadata).toMatchObject({ isMainModule: true, architecture: arch, buildSettings: [] });
      expect(found.find((p) => p.name === "github.com/pkg/errors")?.metadata?.h1Digest).toBe(
        "h1:FEBLx1zS214owpjy7qsBeixbURkuhQAwrK5UwLGTwt4=",
      );
      if (hasGo) expect(nameVersions(found)).toEqual(goVersionM(path));
    });
  }
});

describe("go-module-binary-cataloger on damaged input", () => {
  const good = readFileSync(join(testdata, "bin", "fixture-amd64"));

  it("warns when the build info strings are cut off", () => {
    const magic = good.indexOf("\xff Go buildinf:", 0, "latin1");
    const bad = Buffer.from(good);
    bad[magic + 32] = 0xff; // version length becomes a long varint running past the data
    bad.fill(0xff, magic + 33, magic + 40);
    const { found, warnings } = catalog("/bad", bad);
    expect(found).toEqual([]);
    expect(warnings).toEqual([expect.stringContaining("Go build info is damaged")]);
  });

  it("returns nothing for truncated files", () => {
    for (const size of [16, 64, 1000, good.length >> 1]) {
      expect(() => catalog("/cut", good.subarray(0, size))).not.toThrow();
    }
    expect(catalog("/cut", good.subarray(0, 64)).found).toEqual([]);
  });
});

describe("stdlibVersion", () => {
  it("follows Syft and Trivy", () => {
    expect(stdlibVersion("go1.19.8")).toBe("1.19.8");
    expect(stdlibVersion("go1.22.0 X:boringcrypto")).toBe("1.22.0");
    expect(stdlibVersion("devel go1.23-abcdef")).toBeUndefined();
  });
});
