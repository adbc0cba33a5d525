#!/usr/bin/env node
import { DbError, ENGINE_VERSION, FeedError, SourceError } from "@rampart/engine";
import { Command, CommanderError } from "commander";
import { registerConsole } from "./commands/console.js";
import { registerDb } from "./commands/db.js";
import { registerDoctor } from "./commands/doctor.js";
import { registerSbom } from "./commands/sbom.js";
import { registerScan } from "./commands/scan.js";
import { registerSensor } from "./commands/sensor.js";
import { UsageError } from "./errors.js";

/**
 * Exit codes: 0 success, 1 the target or input could not be processed, 2 the command line is wrong,
 * 3 `scan` findings crossed --fail-on / --fail-on-count.
 */
async function main(argv: string[]): Promise<number> {
  const program = new Command("rampart")
    .description("Rampart: find what runs, what is wrong with it, and what to fix first")
    .version(ENGINE_VERSION, "-v, --version")
    .exitOverride()
    .showHelpAfterError();
  registerSbom(program);
  registerScan(program);
  registerDb(program);
  registerDoctor(program);
  registerConsole(program);
  registerSensor(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof UsageError) {
      process.stderr.write(`rampart: ${e.message}\n`);
      return 2;
    }
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`rampart: error: ${message}\n`);
    if (
      process.env.RAMPART_DEBUG &&
      e instanceof Error &&
      !(e instanceof SourceError) &&
      !(e instanceof DbError) &&
      !(e instanceof FeedError)
    )
      process.stderr.write(`${e.stack}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv);
