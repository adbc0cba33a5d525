import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ElfFile, ElfFormatError, elfOf, isElf } from "./elf.js";

// Real ELF files kept by the golang cataloger tests (built by its testdata/build.sh and make-old-format.py).
const bin = join(import.meta.dirname, "..", "golang", "testdata", "bin");

/** Section names as binutils' readelf lists them, as the reference. */
function readelfSections(path: string): string[] {
  const out = execFileSync("readelf", ["-W", "-S", path], { encoding: "utf8" });
  return [...out.matchAll(/^\s*\[\s*\d+\]\s+(\S*)\s+[A-Z_]+\s/gm)].map((m) => m[1] ?? "").filter((n) => n !== "");
}

describe("ElfFile", () => {
  for (const [file, is64, le, machine] of [
    ["fixture-amd64", true, true, 62],
    ["fixture-386", false, true, 3],
    ["fixture-mips", false, false, 8],
    ["oldformat-s390x", true, false, 22],
  ] as const) {
    it(`reads the headers of ${file}`, () => {
      const data = readFileSync(join(bin, file));
      const elf = ElfFile.parse(data);
      expect([elf.is64, elf.littleEndian, elf.machine]).toEqual([is64, le, machine]);
      expect(elf.segments.some((s) => s.type === 1)).toBe(true);
    });
  }

  it("names sections like readelf does", () => {
    const path = join(bin, "fixture-mips");
    const elf = ElfFile.parse(readFileSync(path));
    expect(elf.sections.map((s) => s.name).filter((n) => n !== "")).toEqual(readelfSections(path));
    const buildinfo = elf.section(".go.buildinfo");
    expect(buildinfo).toBeDefined();
    // The same bytes through the section table and through the segment that maps its address.
    const viaSection = elf.sectionData(buildinfo as NonNullable<typeof buildinfo>);
    expect(viaSection?.subarray(0, 14).toString("latin1")).toBe("\xff Go buildinf:");
    expect(elf.readVirtual(buildinfo?.addr ?? 0, 32)).toEqual(viaSection?.subarray(0, 32));
  });

  it("returns undefined for unmapped addresses", () => {
    const elf = ElfFile.parse(readFileSync(join(bin, "oldformat-mips")));
    expect(elf.readVirtual(0x10, 4)).toBeUndefined();
    expect(elf.readVirtual(0x21000 + 0x100, 4)).toBeUndefined(); // just past the data segment's file image
    expect(elf.readVirtual(0x21000 + 0xf0, 64)?.length).toBe(0x10); // clipped at its end
  });

  it("rejects damaged headers with ElfFormatError, never a RangeError", () => {
    const good = readFileSync(join(bin, "fixture-amd64"));
    expect(isElf(Buffer.from("not an elf at all"))).toBe(false);
    for (const size of [4, 16, 40, 63, 64, 100]) {
      const cut = good.subarray(0, size);
      try {
        ElfFile.parse(cut);
      } catch (e) {
        expect(e).toBeInstanceOf(ElfFormatError);
      }
    }
    const badClass = Buffer.from(good.subarray(0, 4096));
    badClass[4] = 9;
    expect(() => ElfFile.parse(badClass)).toThrow(ElfFormatError);
    const hugePhnum = Buffer.from(good.subarray(0, 4096));
    hugePhnum.writeUInt16LE(0xffff, 56);
    expect(() => ElfFile.parse(hugePhnum)).toThrow(/program header/);
    // A section table past the end of the file reads as "no sections" (sstrip'ed files look like that).
    const lostSections = Buffer.from(good);
    lostSections.writeBigUInt64LE(BigInt(good.length - 100), 40); // e_shoff
    const elf = ElfFile.parse(lostSections);
    expect(elf.sections).toEqual([]);
    expect(elf.segments.length).toBeGreaterThan(0);
  });

  it("parses each buffer once", () => {
    const data = readFileSync(join(bin, "fixture-386"));
    expect(elfOf(data)).toBe(elfOf(data));
    expect(() => elfOf(Buffer.from("\x7fELF\x05garbage-garbage", "latin1"))).toThrow(ElfFormatError);
  });
});
