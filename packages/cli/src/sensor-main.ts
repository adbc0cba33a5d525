#!/usr/bin/env node
import { Command } from "commander";
import { registerSensor } from "./commands/sensor.js";
import { runProgram } from "./run.js";

/**
 * `rampart sensor` on its own: the launcher starts this instead of the whole CLI so the long-running sensor
 * loads only discovery and the console client — not the engine, the console or their dependencies (the
 * sensor's memory goal is 60 MB). Scans run in a separate worker process that loads the engine.
 */
async function main(argv: string[]): Promise<number> {
  const program = new Command("rampart").exitOverride().showHelpAfterError();
  registerSensor(program);
  return runProgram(program, argv);
}

const code = await main(process.argv);
// The sensor keeps running (its loops hold the event loop); a finished --once or an error ends here.
if (code !== 0) process.exit(code);
