import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { FeedError } from "../errors.js";

export interface EpssRow {
  cve: string;
  score: number;
  percentile: number;
}

export interface EpssHeader {
  modelVersion?: string;
  /** YYYY-MM-DD of the scores. */
  scoreDate?: string;
}

const CVE = /^CVE-\d{4}-\d{4,}$/;

/**
 * Streams FIRST's epss_scores CSV (gzipped): an optional `#model_version:…,score_date:…` comment, the header
 * `cve,epss,percentile`, then one row per CVE. Any malformed row rejects the file (FeedError with its line).
 */
export async function readEpss(path: string, onRow: (row: EpssRow) => void): Promise<EpssHeader & { rows: number }> {
  const header: EpssHeader = {};
  const gunzip = createGunzip();
  const lines = createInterface({ input: createReadStream(path).pipe(gunzip), crlfDelay: Number.POSITIVE_INFINITY });
  let lineNo = 0;
  let rows = 0;
  let sawHeader = false;
  try {
    for await (const line of lines) {
      lineNo++;
      if (line === "") continue;
      if (line.startsWith("#")) {
        for (const part of line.slice(1).split(",")) {
          const [k, ...v] = part.split(":");
          if (k === "model_version") header.modelVersion = v.join(":");
          if (k === "score_date") header.scoreDate = v.join(":").slice(0, 10);
        }
        continue;
      }
      if (!sawHeader) {
        if (line.replace(/\s/g, "") !== "cve,epss,percentile")
          throw new FeedError(`${path}: line ${lineNo}: expected the header cve,epss,percentile`);
        sawHeader = true;
        continue;
      }
      const [cve, epss, pct, extra] = line.split(",");
      const score = Number(epss);
      const percentile = Number(pct);
      if (extra !== undefined || !cve || !CVE.test(cve) || !inUnit(score) || !inUnit(percentile))
        throw new FeedError(`${path}: line ${lineNo}: not a valid EPSS row: ${line.slice(0, 80)}`);
      onRow({ cve, score, percentile });
      rows++;
    }
  } catch (e) {
    if (e instanceof FeedError) throw e;
    throw new FeedError(`${path}: not a readable gzip CSV: ${(e as Error).message}`);
  } finally {
    lines.close();
  }
  if (!sawHeader) throw new FeedError(`${path}: empty EPSS file`);
  return { ...header, rows };
}

const inUnit = (n: number) => Number.isFinite(n) && n >= 0 && n <= 1;
