import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Compile } from "typebox/compile";
// The report's schema is not part of the console's public exports: tests take it from the source, to check
// what the discoverers produce exactly as the console will.
import { FullReport } from "../../../console/src/topology/report.js";
import type { Discovered, DiscoveryContext } from "./discoverer.js";

export const testdata = (name: string): string => fileURLToPath(new URL(`./testdata/${name}`, import.meta.url));

/** A context on the real /proc, collecting warnings. */
export function liveContext(): DiscoveryContext & { warnings: string[] } {
  const warnings: string[] = [];
  return { procRoot: "/proc", hostRoot: "/", warn: (m) => warnings.push(m), warnings };
}

/** A child process whose stdout is read line by line, each wait bounded. */
export interface Child {
  proc: ChildProcess;
  /** The next line the child prints, or an error after `ms` (with what it wrote to stderr). */
  line(ms?: number): Promise<string>;
  kill(): Promise<void>;
}

export function child(command: string, args: readonly string[]): Child {
  const proc = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  let waiting: (() => void) | undefined;
  let buffered = "";
  let stderr = "";
  proc.stdout?.setEncoding("utf8").on("data", (d: string) => {
    buffered += d;
    const parts = buffered.split("\n");
    buffered = parts.pop() ?? "";
    lines.push(...parts);
    waiting?.();
  });
  proc.stderr?.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
  });
  proc.on("exit", () => waiting?.());
  return {
    proc,
    async line(ms = 10_000) {
      const until = Date.now() + ms;
      while (lines.length === 0) {
        if (proc.exitCode !== null || proc.signalCode !== null)
          throw new Error(`${command} exited (${proc.exitCode ?? proc.signalCode}): ${stderr}`);
        const left = until - Date.now();
        if (left <= 0) throw new Error(`${command} printed nothing within ${ms} ms: ${stderr}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiting = () => {
            clearTimeout(t);
            resolve();
          };
        });
        waiting = undefined;
      }
      return lines.shift() as string;
    },
    async kill() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
      proc.kill("SIGKILL");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    },
  };
}

const report = Compile(FullReport);

/**
 * Problems the console would find in what the discoverers produced: the result put into a full report and
 * checked against the report's schema (the same one the console validates with). [] when valid.
 */
export function reportErrors(found: Discovered): string[] {
  const body = { seq: 1, kind: "full", at: new Date().toISOString(), ...found };
  if (report.Check(body)) return [];
  return [...report.Errors(body)].slice(0, 10).map((e) => JSON.stringify(e));
}
