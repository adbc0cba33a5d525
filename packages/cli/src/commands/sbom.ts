import {
  type CatalogOptions,
  catalogSource,
  type FileScanner,
  formatInventory,
  type Inventory,
  LayerCache,
  openTarget,
  parseTarget,
  readSbomFile,
  SBOM_FORMATS,
  type SbomFormat,
  type SourceOptions,
} from "@rampart/engine";
import type { Command } from "commander";
import { UsageError } from "../errors.js";
import { writeOutput } from "../output.js";
import { ProgressBar } from "../progress.js";

export interface SbomCommandOptions {
  format: string;
  output?: string;
  platform?: string;
  username?: string;
  password?: string;
  insecure?: boolean;
  exclude?: string[];
  cache?: boolean;
  cacheDir?: string;
  quiet?: boolean;
}

/** Catalogs any target into an inventory: the step `sbom` and (later) `scan` share. */
/** Registry access, platform and excludes as the user gave them (flags, then RAMPART_USERNAME/PASSWORD). */
export function sourceOptionsOf(o: SbomCommandOptions): SourceOptions {
  return {
    ...(o.platform ? { platform: o.platform } : {}),
    ...((o.username ?? process.env.RAMPART_USERNAME) ? { username: o.username ?? process.env.RAMPART_USERNAME } : {}),
    ...((o.password ?? process.env.RAMPART_PASSWORD) ? { password: o.password ?? process.env.RAMPART_PASSWORD } : {}),
    ...(o.insecure ? { insecure: true } : {}),
    ...(o.exclude?.length ? { excludes: o.exclude } : {}),
  };
}

export async function inventoryOf(
  targetText: string,
  o: SbomCommandOptions,
  fileScanners: readonly FileScanner[] = [],
): Promise<Inventory> {
  const target = await parseTarget(targetText);
  if (target.kind === "sbom") {
    if (fileScanners.length)
      throw new UsageError(
        `${targetText} is an SBOM: it lists packages, it has no files to scan for ${fileScanners.map((s) => (s.name === "secret" ? "secrets" : s.name)).join(" or ")}`,
      );
    return readSbomFile(target.path);
  }
  const source = await openTarget(target, sourceOptionsOf(o));
  const bar = new ProgressBar(`cataloging ${source.name}`, o.quiet === true);
  const catalogOpts: CatalogOptions = {
    cache: o.cache === false ? false : new LayerCache(o.cacheDir),
    progress: { onBytes: (done, total) => bar.update(done, total) },
    ...(fileScanners.length ? { fileScanners } : {}),
  };
  try {
    return (await catalogSource(source, catalogOpts)).inventory;
  } finally {
    bar.done();
    await source.close();
  }
}

/** The options every command that reads a target shares: registry access, walks, the layer cache. */
export function withSourceOptions(cmd: Command): Command {
  return cmd
    .option("--platform <os/arch[/variant]>", "platform to pick from a multi-platform image (default: this machine's)")
    .option("--username <user>", "registry user name (or RAMPART_USERNAME)")
    .option("--password <password>", "registry password or token (or RAMPART_PASSWORD)")
    .option("--insecure", "allow plain HTTP and unverified TLS for the registry")
    .option("--exclude <path...>", "leave these paths out of directory and host walks")
    .option("--no-cache", "do not use or fill the layer cache")
    .option("--cache-dir <dir>", "layer cache directory (default ~/.cache/rampart/layers)")
    .option("-q, --quiet", "no progress output");
}

export function registerSbom(program: Command): void {
  withSourceOptions(
    program
      .command("sbom")
      .description("Catalog the packages of an image, directory or host and write an SBOM")
      .argument(
        "<target>",
        "image archive, OCI layout, registry://REF or REF, docker://NAME, podman://NAME, a directory, `host`, or an SBOM file",
      )
      .option("-f, --format <format>", `output format: ${SBOM_FORMATS.join(", ")}`, "table")
      .option("-o, --output <file>", "write to FILE instead of standard output (atomically)"),
  ).action(async (targetText: string, o: SbomCommandOptions) => {
    if (!SBOM_FORMATS.includes(o.format as SbomFormat))
      throw new UsageError(`unknown format ${o.format}; use one of ${SBOM_FORMATS.join(", ")}`);
    const inv = await inventoryOf(targetText, o);
    for (const w of inv.warnings) if (!o.quiet) process.stderr.write(`warning: ${w}\n`);
    await writeOutput(formatInventory(inv, o.format as SbomFormat), o.output);
  });
}
