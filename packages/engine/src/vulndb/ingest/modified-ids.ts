import { readFile } from "node:fs/promises";
import { FeedError } from "../errors.js";

/**
 * osv.dev's `<Ecosystem>/modified_id.csv`: one `<modified ISO time>,<ID>` line per record in the
 * ecosystem, newest first. Comparing it with the DB tells which records to fetch one by one.
 */
export async function readModifiedIds(path: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const text = await readFile(path, "utf8");
  let lineNo = 0;
  for (const line of text.split("\n")) {
    lineNo++;
    if (line.trim() === "") continue;
    const comma = line.indexOf(",");
    const modified = line.slice(0, comma);
    const id = line.slice(comma + 1).trim();
    if (comma < 0 || Number.isNaN(Date.parse(modified)) || !/^[A-Za-z0-9][\w.:-]*$/.test(id))
      throw new FeedError(`${path}: line ${lineNo}: expected <modified>,<id>`);
    out.set(id, modified);
  }
  return out;
}
