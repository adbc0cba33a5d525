import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { testdata as labFile } from "../../../../../test/fixtures/testdata.js";
import type { Cataloger } from "../cataloger.js";
import { ElfFile } from "../elf/elf.js";
import { runCataloger } from "../test-support.js";
import { cargoAuditableCataloger } from "./auditable-cataloger.js";
import { cargoLockCataloger } from "./cargo-lock-cataloger.js";

const testdata = join(import.meta.dirname, "testdata");

function run(c: Cataloger, path: string, content: Buffer) {
  const { packages: found, warnings } = runCataloger(c, path, content);
  return { found, warnings };
}

describe("rust-cargo-lock-cataloger", () => {
  it("keeps registry and git crates of a cargo-written lock file, not the workspace's own crates", () => {
    const { found, warnings } = run(cargoLockCataloger, "/src/Cargo.lock", readFileSync(join(testdata, "Cargo.lock")));
    expect(warnings).toEqual([]);
    expect(found.map((p) => `${p.name}@${p.version}`)).toEqual([
      "cc@1.0.83",
      "gitdep@0.2.0",
      "itoa@1.0.9",
      "memchr@2.6.4",
    ]);
    expect(found[0]).toEqual({
      type: "cargo",
      name: "cc",
      version: "1.0.83",
      metadata: {
        source: "registry+https://github.com/rust-lang/crates.io-index",
        checksum: "982d96c608fc1b0f356b83fec32f4eecf154acfaa3b00f79fc1ea13b61a345f8",
      },
      location: { path: "/src/Cargo.lock" },
    });
    expect(found[1]?.metadata?.source).toMatch(/^git\+file:/);
  });

  it("warns on broken files instead of throwing", () => {
    expect(run(cargoLockCataloger, "/x/Cargo.lock", Buffer.from("[[package]\nname = ")).warnings).toEqual([
      expect.stringContaining("not valid TOML"),
    ]);
    const noVersion = Buffer.from('[[package]]\nname = "a"\nsource = "registry+x"\n\n[[package]]\nname = "b"\n');
    expect(run(cargoLockCataloger, "/x/Cargo.lock", noVersion)).toEqual({
      found: [],
      warnings: ["/x/Cargo.lock: [[package]] #1 has no name or version; skipped", expect.any(String)],
    });
    expect(run(cargoLockCataloger, "/x/Cargo.lock", Buffer.from("package = 3\n")).warnings).toHaveLength(1);
  });
});

describe("cargo-auditable-binary-cataloger", () => {
  const binary = readFileSync(join(testdata, "auditable-app"));

  it("reads the .dep-v0 section: runtime crates from crates.io and git; not root, local or build-time ones", () => {
    const { found, warnings } = run(cargoAuditableCataloger, "/usr/bin/auditable-app", binary);
    expect(warnings).toEqual([]);
    expect(found).toEqual([
      {
        type: "cargo",
        name: "gitdep",
        version: "0.2.0",
        metadata: { source: "git" },
        location: { path: "/usr/bin/auditable-app" },
      },
      {
        type: "cargo",
        name: "itoa",
        version: "1.0.9",
        metadata: { source: "crates.io" },
        location: { path: "/usr/bin/auditable-app" },
      },
      {
        type: "cargo",
        name: "memchr",
        version: "2.6.4",
        metadata: { source: "crates.io" },
        location: { path: "/usr/bin/auditable-app" },
      },
    ]);
    // The section holds exactly the JSON the generator wrote.
    const elf = ElfFile.parse(binary);
    const section = elf.section(".dep-v0");
    const json = inflateSync(elf.sectionData(section as NonNullable<typeof section>) as Buffer).toString("utf8");
    expect(JSON.parse(json)).toEqual(JSON.parse(readFileSync(join(testdata, "dep-v0.json"), "utf8")));
  });

  it("ignores ELF files without the section, quietly", () => {
    const libc = labFile("rootfs-bookworm/usr/lib/x86_64-linux-gnu/libc.so.6");
    expect(run(cargoAuditableCataloger, libc, readFileSync(libc))).toEqual({ found: [], warnings: [] });
    expect(run(cargoAuditableCataloger, "/x", Buffer.from("\x7fELF\x02\x01\x01 truncated", "latin1"))).toEqual({
      found: [],
      warnings: [],
    });
  });

  it("warns when the section does not inflate to JSON", () => {
    const elf = ElfFile.parse(binary);
    const section = elf.section(".dep-v0");
    const damaged = Buffer.from(binary);
    damaged.fill(0x55, (section?.offset ?? 0) + 2, (section?.offset ?? 0) + 40);
    const { found, warnings } = run(cargoAuditableCataloger, "/bin/x", damaged);
    expect(found).toEqual([]);
    expect(warnings).toEqual([expect.stringContaining("unreadable .dep-v0 section")]);
  });
});
