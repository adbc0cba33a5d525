import { createRequire } from "node:module";
import {
  chooseMalwareEngine,
  DbError,
  defaultCacheDir,
  defaultDbDir,
  defaultMalwareCacheDir,
  ENGINE_VERSION,
  VulnDb,
} from "@rampart/engine";
import type { Command } from "commander";
import { UsageError } from "../errors.js";
import { ageOf } from "./db.js";

/** One line of the diagnosis: what, whether it works, and the detail (or what to do). */
interface Check {
  name: string;
  ok: boolean;
  /** Missing but not needed by every command: reported, does not fail the diagnosis. */
  optional?: boolean;
  detail: string;
}

const require = createRequire(import.meta.url);

/** A native dependency loads on this platform? */
function loads(name: string, id: string, what: string): Check {
  try {
    require(id);
    return { name, ok: true, detail: `${id} loaded` };
  } catch (e) {
    return { name, ok: false, detail: `${id} does not load (${(e as Error).message.split("\n")[0]}): ${what}` };
  }
}

export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description("Check what this machine can run: scanning engines, the vulnerability DB, caches")
    .option("-f, --format <format>", "table or json", "table")
    .option("--db-dir <dir>", "vulnerability DB directory (default ~/.cache/rampart/db, or RAMPART_DB_DIR)")
    .action(async (o: { format: string; dbDir?: string }) => {
      if (!["table", "json"].includes(o.format)) throw new UsageError(`unknown format ${o.format}; use table or json`);
      const checks: Check[] = [
        {
          name: "rampart",
          ok: true,
          detail: `${ENGINE_VERSION} on Node.js ${process.version}, ${process.platform}-${process.arch}`,
        },
        loads("sqlite", "better-sqlite3", "the vulnerability DB cannot be read"),
        loads("secret scanning", "re2", "secret rules cannot run"),
      ];
      const engine = await chooseMalwareEngine();
      checks.push(
        engine.kind === "yara-x"
          ? { name: "malware scanning", ok: true, detail: `YARA-X, native (@litko/yara-x ${engine.version})` }
          : engine.kind === "yara"
            ? {
                name: "malware scanning",
                ok: true,
                detail: `fallback: yara ${engine.cli.version} command-line tool (${engine.cli.yara}); YARA-X unavailable: ${engine.why}`,
              }
            : { name: "malware scanning", ok: false, detail: engine.why },
      );
      const dbDir = o.dbDir ?? defaultDbDir();
      try {
        const db = VulnDb.open(dbDir);
        try {
          const s = db.status();
          const ages = s.feeds.map((f) => `${f.name} ${ageOf(f.importedAt)} ago`).join(", ");
          checks.push({
            name: "vulnerability DB",
            ok: true,
            detail: `${s.path}: ${s.advisories} advisories; imported ${ages}`,
          });
        } finally {
          db.close();
        }
      } catch (e) {
        const why = e instanceof DbError ? e.message : String(e);
        checks.push({
          name: "vulnerability DB",
          ok: false,
          optional: true,
          detail: `${why} (needed by --scanners vuln: run \`rampart db update\`)`,
        });
      }
      checks.push({ name: "layer cache", ok: true, detail: defaultCacheDir() });
      checks.push({
        name: "malware rule cache",
        ok: true,
        detail: `${defaultMalwareCacheDir()} (yara CLI fallback only)`,
      });

      if (o.format === "json") process.stdout.write(`${JSON.stringify({ checks }, null, 2)}\n`);
      else {
        const width = Math.max(...checks.map((c) => c.name.length));
        for (const c of checks)
          process.stdout.write(
            `${c.ok ? "ok  " : c.optional ? "warn" : "FAIL"}  ${c.name.padEnd(width)}  ${c.detail}\n`,
          );
      }
      if (checks.some((c) => !c.ok && !c.optional)) process.exitCode = 1;
    });
}
