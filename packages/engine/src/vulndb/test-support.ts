import { copyFile, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { zipSync } from "fflate";
import { FEEDS } from "../../../../test/fixtures/vulndb.js";

export const tempDir = (prefix: string) => mkdtemp(join(tmpdir(), `rampart-${prefix}-`));

/**
 * A small mirror directory cut from the real feeds: the given ecosystems' all.zip, the whole KEV catalog
 * and the first `epssRows` EPSS rows, so a DB builds in well under a second.
 */
export async function smallMirror(ecosystems: string[] = ["npm"], epssRows = 2000): Promise<string> {
  const dir = await tempDir("mirror");
  for (const eco of ecosystems) {
    await mkdir(join(dir, "osv", eco), { recursive: true });
    await copyFile(join(FEEDS, "osv", eco, "all.zip"), join(dir, "osv", eco, "all.zip"));
  }
  await mkdir(join(dir, "kev"));
  await copyFile(
    join(FEEDS, "kev/known_exploited_vulnerabilities.json"),
    join(dir, "kev/known_exploited_vulnerabilities.json"),
  );
  await mkdir(join(dir, "epss"));
  const lines = gunzipSync(await readFile(join(FEEDS, "epss/epss_scores.csv.gz")))
    .toString("utf8")
    .split("\n");
  await writeFile(join(dir, "epss/epss_scores.csv.gz"), gzipSync(`${lines.slice(0, epssRows + 2).join("\n")}\n`));
  return dir;
}

/** Writes an all.zip of the given records (as osv.dev lays it out: one <ID>.json each). */
export async function writeOsvZip(path: string, records: Array<{ id: string }>): Promise<void> {
  const files: Record<string, Uint8Array> = {};
  for (const r of records) files[`${r.id}.json`] = new TextEncoder().encode(JSON.stringify(r));
  await writeFile(path, zipSync(files));
}

/** osv.dev's modified_id.csv for these records: `<modified>,<id>`, newest first. */
export async function writeModifiedIds(path: string, records: Array<{ id: string; modified: string }>): Promise<void> {
  const lines = [...records].sort((a, b) => b.modified.localeCompare(a.modified)).map((r) => `${r.modified},${r.id}`);
  await writeFile(path, `${lines.join("\n")}\n`);
}
