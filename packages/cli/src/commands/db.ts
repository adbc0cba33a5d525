import { type DbStatus, defaultDbDir, exportDb, importDb, updateDb, VulnDb } from "@rampart/engine";
import type { Command } from "commander";
import { UsageError } from "../errors.js";
import { writeOutput } from "../output.js";

const DAY = 86_400_000;

/** "3 days", "5 hours": how old a feed's data is, the number users judge freshness by. */
export function ageOf(iso: string | undefined, now = Date.now()): string {
  if (!iso || Number.isNaN(Date.parse(iso))) return "unknown";
  const ms = Math.max(0, now - Date.parse(iso));
  if (ms >= 2 * DAY) return `${Math.floor(ms / DAY)} days`;
  const h = Math.floor(ms / 3_600_000);
  return h >= 1 ? `${h} hours` : `${Math.floor(ms / 60_000)} minutes`;
}

export function formatStatus(s: DbStatus, now = Date.now()): string {
  const rows = s.feeds.map((f) => [
    f.name,
    String(f.records),
    f.dataAsOf?.slice(0, 10) ?? "-",
    ageOf(f.dataAsOf, now),
    ageOf(f.importedAt, now),
    f.location ?? "",
  ]);
  const head = ["FEED", "RECORDS", "DATA AS OF", "DATA AGE", "IMPORTED", "FROM"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join("  ");
  return [
    `Vulnerability DB: ${s.path}`,
    `Schema version ${s.schemaVersion}, built ${s.builtAt} (${ageOf(s.builtAt, now)} ago), ${(s.bytes / 1048576).toFixed(1)} MB, ${s.advisories} advisories`,
    "",
    line(head),
    ...rows.map(line),
    "",
  ].join("\n");
}

interface DbDirOption {
  dbDir?: string;
}

export function registerDb(program: Command): void {
  const db = program.command("db").description("Manage the local vulnerability database");
  db.command("update")
    .description("Download the feeds (OSV, CISA KEV, FIRST EPSS) and replace the DB atomically")
    .option("--from <url|dir>", "read the feeds from a mirror (directory or URL laid out like the public sources)")
    .option("--ecosystem <name...>", "OSV ecosystems to import (default: every one Rampart catalogs)")
    .option("--full", "ignore modified_id.csv and re-read every all.zip")
    .option("--db-dir <dir>", `DB directory (default ${defaultDbDir()}, or RAMPART_DB_DIR)`)
    .option("-q, --quiet", "print nothing but errors")
    .action(async (o: DbDirOption & { from?: string; ecosystem?: string[]; full?: boolean; quiet?: boolean }) => {
      const started = Date.now();
      const res = await updateDb({
        ...(o.dbDir ? { dbDir: o.dbDir } : {}),
        ...(o.from ? { from: o.from } : {}),
        ...(o.ecosystem ? { ecosystems: o.ecosystem } : {}),
        ...(o.full ? { full: true } : {}),
        log: (l) => {
          if (!o.quiet) process.stderr.write(`${l}\n`);
        },
      });
      if (!o.quiet) process.stderr.write(`updated ${res.path} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    });
  db.command("status")
    .description("Show the DB's schema version and each feed's freshness and record count")
    .option("--db-dir <dir>", "DB directory")
    .option("-f, --format <format>", "table or json", "table")
    .option("--verify", "also check every page of the DB file")
    .action(async (o: DbDirOption & { format: string; verify?: boolean }) => {
      if (o.format !== "table" && o.format !== "json")
        throw new UsageError(`unknown format ${o.format}; use table or json`);
      const vdb = VulnDb.open(o.dbDir ?? defaultDbDir());
      try {
        const status = vdb.status();
        const problems = o.verify ? vdb.verify() : [];
        await writeOutput(
          o.format === "json"
            ? `${JSON.stringify({ ...status, ...(o.verify ? { problems } : {}) }, null, 2)}\n`
            : formatStatus(status),
          undefined,
        );
        if (problems.length) throw new Error(`the DB is damaged: ${problems.slice(0, 3).join("; ")}`);
      } finally {
        vdb.close();
      }
    });
  db.command("export")
    .description("Write the DB as one file to carry into an air-gapped network")
    .argument("<file>", "archive to write (a .tar.gz)")
    .option("--db-dir <dir>", "DB directory")
    .action(async (file: string, o: DbDirOption) => {
      const meta = await exportDb(file, o.dbDir ?? defaultDbDir());
      process.stderr.write(
        `exported schema ${meta.schemaVersion} DB built ${meta.builtAt} (sha256 ${meta.sha256.slice(0, 12)}…) to ${file}\n`,
      );
    });
  db.command("import")
    .description("Replace the DB with one from `rampart db export`, after checking it whole")
    .argument("<file>", "archive made by `rampart db export`")
    .option("--db-dir <dir>", "DB directory")
    .action(async (file: string, o: DbDirOption) => {
      const status = await importDb(file, o.dbDir ?? defaultDbDir());
      process.stderr.write(`imported DB built ${status.builtAt} into ${status.path}\n`);
    });
}
