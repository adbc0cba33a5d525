import { describe, expect, it } from "vitest";
import type { Cataloger } from "./cataloger.js";
import { SelectorIndex } from "./selectors.js";

const ELF = Uint8Array.from([0x7f, 0x45, 0x4c, 0x46]);
const cataloger = (name: string, selector: Cataloger["selector"]): Cataloger => ({ name, selector, parse: () => [] });

describe("SelectorIndex", () => {
  const lock = cataloger("lock", { basenames: ["package-lock.json"], accept: (p) => !p.includes("/node_modules/") });
  const metadata = cataloger("metadata", { patterns: [/\.dist-info\/METADATA$/] });
  const jar = cataloger("jar", { extensions: [".jar", ".war"] });
  const binary = cataloger("binary", { magic: [ELF], executableOnly: true });
  const index = new SelectorIndex([lock, metadata, jar, binary]);

  it("selects by name, refined by accept, by pattern and by extension (any case)", () => {
    expect(index.byPath("/app/package-lock.json")).toEqual([lock]);
    expect(index.byPath("/app/node_modules/x/package-lock.json")).toEqual([]);
    expect(index.byPath("/usr/lib/python3/site-packages/Foo-1.0.dist-info/METADATA")).toEqual([metadata]);
    expect(index.byPath("/opt/app/LIB.JAR")).toEqual([jar]);
    expect(index.byPath("/etc/passwd")).toEqual([]);
  });

  it("checks magic bytes only on executables when every magic selector says so", () => {
    expect(index.wantsHead(0o644, 1000)).toBe(false);
    expect(index.wantsHead(0o755, 1000)).toBe(true);
    expect(index.wantsHead(0o755, 2)).toBe(false);
    expect(index.byHead(ELF, 0o755)).toEqual([binary]);
    expect(index.byHead(ELF, 0o644)).toEqual([]);
    const anyMode = new SelectorIndex([cataloger("lib", { magic: [ELF] })]);
    expect(anyMode.wantsHead(0o644, 1000)).toBe(true);
  });
});
