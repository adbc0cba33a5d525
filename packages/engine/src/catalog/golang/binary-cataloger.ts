import type { PackageInput } from "../../package/package.js";
import type { CatalogContext, Cataloger, CatalogFile } from "../cataloger.js";
import { ELF_MAGIC, ElfFormatError, readableElf } from "../elf/elf.js";
import { GoBuildInfoError, readGoBuildInfo } from "./buildinfo.js";
import { type GoModule, parseModInfo } from "./modinfo.js";

/** GOARCH for ELF e_machine values, for binaries too old to record GOARCH in their build settings. */
const GOARCH_BY_MACHINE: Record<number, (le: boolean, is64: boolean) => string> = {
  3: () => "386",
  62: () => "amd64",
  40: () => "arm",
  183: () => "arm64",
  8: (le, is64) => (is64 ? (le ? "mips64le" : "mips64") : le ? "mipsle" : "mips"),
  21: (le) => (le ? "ppc64le" : "ppc64"),
  22: () => "s390x",
  243: () => "riscv64",
  258: () => "loong64",
};

/** A replacement by a directory ("=> ../fork") is local source, not a module anyone can look up. */
const isLocalPath = (p: string) => p.startsWith("./") || p.startsWith("../") || p.startsWith("/");

/**
 * "go1.19.8" → "1.19.8", the version Syft and Trivy put in pkg:golang/stdlib@…. Experiment suffixes
 * ("go1.22.0 X:boringcrypto") are dropped; development toolchains ("devel go1.23-abc") have no release version.
 */
export function stdlibVersion(goVersion: string): string | undefined {
  const first = goVersion.split(/\s/, 1)[0] ?? "";
  return /^go\d/.test(first) ? first.slice(2) : undefined;
}

/**
 * go-module-binary-cataloger: the modules compiled into a Go executable, from its embedded build info (the same
 * data `go version -m` prints). Emits every dependency (after replacements), the main module when it has a real
 * version, and the standard library as "stdlib".
 */
export const goModuleBinaryCataloger: Cataloger = {
  name: "go-module-binary-cataloger",
  // Every ELF file is offered (libraries included): rejecting non-Go files reads only the headers.
  // Go programs are executables (Trivy and Syft look only at those too).
  selector: { magic: [ELF_MAGIC], executableOnly: true, maxBytes: 512 * 1024 * 1024 },
  parse(file: CatalogFile, ctx: CatalogContext): PackageInput[] {
    const elf = readableElf(file.content);
    if (!elf) return [];
    let info: ReturnType<typeof readGoBuildInfo>;
    try {
      info = readGoBuildInfo(elf);
    } catch (e) {
      if (!(e instanceof GoBuildInfoError || e instanceof ElfFormatError)) throw e;
      ctx.warn(`${file.path}: Go build info is damaged: ${e.message}`);
      return [];
    }
    if (!info) return [];
    const mod = parseModInfo(info.modinfo);
    for (const p of mod.problems) ctx.warn(`${file.path}: Go module info ${p}`);

    const settings = new Map(mod.settings);
    const arch = settings.get("GOARCH") ?? GOARCH_BY_MACHINE[elf.machine]?.(elf.littleEndian, elf.is64);
    const base: Record<string, string> = { goCompiledVersion: info.goVersion };
    if (arch) base.architecture = arch;
    if (mod.main?.path) base.mainModule = mod.main.path;
    const out: PackageInput[] = [];
    const emit = (m: GoModule, extra: Record<string, string | boolean | string[]> = {}) => {
      const used = m.replace ?? m;
      if (!used.path || isLocalPath(used.path)) return;
      const metadata: Record<string, string | boolean | string[]> = { ...base, ...extra };
      if (used.sum) metadata.h1Digest = used.sum;
      if (m.replace) metadata.replaces = m.version ? `${m.path}@${m.version}` : m.path;
      out.push({ type: "golang", name: used.path, version: used.version, metadata, location: { path: file.path } });
    };

    for (const dep of mod.deps) emit(dep);
    if (mod.main && mod.main.version !== "(devel)" && mod.main.version !== "") {
      emit(mod.main, { isMainModule: true, buildSettings: mod.settings.map(([k, v]) => `${k}=${v}`) });
    }
    const stdlib = stdlibVersion(info.goVersion);
    if (stdlib)
      out.push({
        type: "golang",
        name: "stdlib",
        version: stdlib,
        metadata: { ...base },
        location: { path: file.path },
      });
    return out;
  },
};
