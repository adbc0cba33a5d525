import { readFile } from "node:fs/promises";
import { errorMessage, isRecord } from "../../catalog/parse.js";
import type { Kev } from "../../risk/types.js";
import { FeedError } from "../errors.js";

export interface KevCatalog {
  catalogVersion: string;
  dateReleased: string;
  entries: Array<Kev & { cve: string }>;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Reads CISA's known_exploited_vulnerabilities.json; a catalog that breaks its schema is rejected whole. */
export async function readKev(path: string): Promise<KevCatalog> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    throw new FeedError(`${path}: not valid JSON: ${errorMessage(e)}`);
  }
  if (!isRecord(doc) || !Array.isArray(doc.vulnerabilities) || typeof doc.catalogVersion !== "string")
    throw new FeedError(`${path}: not a CISA KEV catalog (no catalogVersion or vulnerabilities)`);
  const entries = doc.vulnerabilities.map((v: unknown, i: number) => {
    if (!isRecord(v) || typeof v.cveID !== "string" || !/^CVE-\d{4}-\d{4,}$/.test(v.cveID))
      throw new FeedError(`${path}: vulnerabilities[${i}]: cveID is missing or malformed`);
    if (typeof v.dateAdded !== "string" || !DATE.test(v.dateAdded))
      throw new FeedError(`${path}: ${v.cveID}: dateAdded is missing or not YYYY-MM-DD`);
    return {
      cve: v.cveID,
      dateAdded: v.dateAdded,
      ...(typeof v.dueDate === "string" && DATE.test(v.dueDate) ? { dueDate: v.dueDate } : {}),
      ransomware: v.knownRansomwareCampaignUse === "Known",
      ...(typeof v.vulnerabilityName === "string" ? { vulnerabilityName: v.vulnerabilityName } : {}),
      ...(typeof v.requiredAction === "string" ? { requiredAction: v.requiredAction } : {}),
    };
  });
  return {
    catalogVersion: doc.catalogVersion,
    dateReleased: typeof doc.dateReleased === "string" ? doc.dateReleased : "",
    entries,
  };
}
