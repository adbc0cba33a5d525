import { type Command, CommanderError } from "commander";
import { UsageError } from "./errors.js";

/**
 * Runs a parsed command line and turns what went wrong into an exit code: 2 for a wrong command line, 1 for
 * anything else (with the message; the stack too when `debug` says so).
 */
export async function runProgram(program: Command, argv: string[], debug?: (e: Error) => boolean): Promise<number> {
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
    if (process.env.RAMPART_DEBUG && e instanceof Error && (debug?.(e) ?? true)) process.stderr.write(`${e.stack}\n`);
    return 1;
  }
}
