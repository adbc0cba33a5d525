#!/usr/bin/env node
import { DbError, ENGINE_VERSION, FeedError, SourceError } from "@rampart/engine";
import { Command } from "commander";
import { registerConsole } from "./commands/console.js";
import { registerDb } from "./commands/db.js";
import { registerDoctor } from "./commands/doctor.js";
import { registerSbom } from "./commands/sbom.js";
import { registerScan } from "./commands/scan.js";
import { registerSensor } from "./commands/sensor.js";
import { runProgram } from "./run.js";

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
  // Our own errors say what went wrong; a stack helps only for the unexpected.
  return runProgram(
    program,
    argv,
    (e) => !(e instanceof SourceError || e instanceof DbError || e instanceof FeedError),
  );
}

process.exitCode = await main(process.argv);
