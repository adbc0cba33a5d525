/**
 * Reading VEX documents into statements: OpenVEX (v0.2.0, and the v0.0.1 shapes vexctl still writes: a
 * vulnerability as a bare string, products as bare ids) and CycloneDX VEX (JSON, `vulnerabilities[]` with an
 * `analysis`). The format is recognised by content, never by file name. A document that breaks its format's
 * rules is an error naming the file and the statement; nothing is skipped quietly.
 */
import { readFileSync, statSync } from "node:fs";
import { PackageURL } from "packageurl-js";
import { parsePurl } from "./purl-match.js";
import { SuppressionFileError } from "./suppression-error.js";
import type { VexProduct, VexStatement, VexSubject } from "./types.js";

const MAX_VEX_BYTES = 64 * 1024 * 1024;

export const OPENVEX_STATUSES = ["not_affected", "affected", "fixed", "under_investigation"] as const;
export const CYCLONEDX_STATES = [
  "resolved",
  "resolved_with_pedigree",
  "exploitable",
  "in_triage",
  "false_positive",
  "not_affected",
] as const;
const SUPPRESSING = new Set(["not_affected", "fixed", "false_positive", "resolved", "resolved_with_pedigree"]);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);

export function loadVex(path: string): VexStatement[] {
  let text: string;
  try {
    if (statSync(path).size > MAX_VEX_BYTES)
      throw new Error(`larger than ${MAX_VEX_BYTES / 1024 / 1024} MiB, which no VEX document needs`);
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new SuppressionFileError(path, `cannot read VEX document: ${(e as Error).message}`);
  }
  return parseVex(text, path);
}

export function parseVex(text: string, file: string): VexStatement[] {
  const trimmed = text.replace(/^\uFEFF/, "").trimStart();
  if (trimmed.startsWith("<"))
    throw new SuppressionFileError(file, "XML VEX documents are not supported: use CycloneDX JSON or OpenVEX");
  let doc: unknown;
  try {
    doc = JSON.parse(trimmed);
  } catch (e) {
    throw new SuppressionFileError(
      file,
      `not an OpenVEX or CycloneDX VEX document (not JSON: ${(e as Error).message})`,
    );
  }
  if (isObject(doc) && typeof doc["@context"] === "string" && doc["@context"].includes("openvex"))
    return parseOpenVex(doc, file);
  if (isObject(doc) && doc.bomFormat === "CycloneDX") return parseCycloneDxVex(doc, file);
  const csaf = isObject(doc) && isObject(doc.document) && doc.document.category === "csaf_vex";
  throw new SuppressionFileError(
    file,
    `not an OpenVEX or CycloneDX VEX document${csaf ? " (CSAF VEX is not supported)" : ""}`,
  );
}

/** The purl an identifier stands for: itself, or the bom-ref after the "#" of a CycloneDX BOM-Link. */
function purlOf(id: string): string | undefined {
  if (id.startsWith("pkg:")) return parsePurl(id) ? id : undefined;
  const link = /^urn:cdx:[^#]+#(.+)$/.exec(id);
  if (link) {
    const ref = decodeURIComponent(link[1] as string);
    if (ref.startsWith("pkg:") && parsePurl(ref)) return ref;
  }
  return undefined;
}

// ---- OpenVEX ----

function openVexSubject(v: unknown, file: string, where: string): VexSubject {
  if (typeof v === "string") return { id: v, ...optionalPurl(purlOf(v)) };
  if (!isObject(v)) throw new SuppressionFileError(file, `${where}: a product must be an object or a string`);
  const id = str(v["@id"]);
  const identified = isObject(v.identifiers) ? str(v.identifiers.purl) : undefined;
  if (!id && !identified) throw new SuppressionFileError(file, `${where}: product without "@id" or identifiers.purl`);
  const purl = (id && purlOf(id)) ?? (identified && parsePurl(identified) ? identified : undefined);
  return { id: id ?? (identified as string), ...optionalPurl(purl) };
}

const optionalPurl = (purl: string | undefined) => (purl ? { purl } : {});

function parseOpenVex(doc: Json, file: string): VexStatement[] {
  if (!Array.isArray(doc.statements)) throw new SuppressionFileError(file, 'OpenVEX document without "statements"');
  const docTime = str(doc.last_updated) ?? str(doc.timestamp);
  return doc.statements.map((s: unknown, index): VexStatement => {
    const where = `statements[${index}]`;
    if (!isObject(s)) throw new SuppressionFileError(file, `${where} is not an object`);
    const v = s.vulnerability;
    let name: string | undefined;
    let aliases: string[] = [];
    if (typeof v === "string") name = str(v);
    else if (isObject(v)) {
      // The @id is an IRI (often an NVD or OSV page); its last segment is the id when no name is given.
      name = str(v.name) ?? str(v["@id"])?.split("/").pop();
      aliases = Array.isArray(v.aliases) ? v.aliases.filter((a): a is string => typeof a === "string") : [];
    }
    if (!name) throw new SuppressionFileError(file, `${where} names no vulnerability`);
    const status = str(s.status);
    if (!status || !(OPENVEX_STATUSES as readonly string[]).includes(status))
      throw new SuppressionFileError(
        file,
        `${where} (${name}): status ${JSON.stringify(s.status)} is not one of ${OPENVEX_STATUSES.join(", ")}`,
      );
    if (!Array.isArray(s.products) || s.products.length === 0)
      throw new SuppressionFileError(file, `${where} (${name}) names no products`);
    // v0.0.1 put subcomponents beside the products, as bare ids.
    const shared = Array.isArray(s.subcomponents)
      ? s.subcomponents.map((c, j) => openVexSubject(c, file, `${where}.subcomponents[${j}]`))
      : [];
    const products: VexProduct[] = s.products.map((p: unknown, j) => {
      const subject = openVexSubject(p, file, `${where}.products[${j}]`);
      const subs =
        isObject(p) && Array.isArray(p.subcomponents)
          ? p.subcomponents.map((c, k) => openVexSubject(c, file, `${where}.products[${j}].subcomponents[${k}]`))
          : [];
      return { ...subject, subcomponents: [...subs, ...shared] };
    });
    const statement: VexStatement = {
      file,
      format: "openvex",
      index,
      vulnerability: name,
      aliases,
      products,
      status,
      suppresses: SUPPRESSING.has(status),
    };
    const justification = str(s.justification);
    if (justification) statement.justification = justification;
    const impact = str(s.impact_statement);
    if (impact) statement.impactStatement = impact;
    const timestamp = str(s.last_updated) ?? str(s.timestamp) ?? docTime;
    if (timestamp) statement.timestamp = timestamp;
    return statement;
  });
}

// ---- CycloneDX VEX ----

/** Every component's bom-ref and purl, nested components and the BOM's subject included. */
function componentPurls(doc: Json): Map<string, string> {
  const refs = new Map<string, string>();
  const visit = (c: unknown): void => {
    if (!isObject(c)) return;
    const ref = str(c["bom-ref"]);
    const purl = str(c.purl);
    if (ref && purl && parsePurl(purl)) refs.set(ref, purl);
    if (Array.isArray(c.components)) c.components.forEach(visit);
  };
  if (isObject(doc.metadata)) visit(doc.metadata.component);
  if (Array.isArray(doc.components)) doc.components.forEach(visit);
  return refs;
}

function withVersion(purl: string, version: string): string {
  const p = PackageURL.fromString(purl);
  return new PackageURL(p.type, p.namespace, p.name, version, p.qualifiers, p.subpath).toString();
}

function parseCycloneDxVex(doc: Json, file: string): VexStatement[] {
  if (!Array.isArray(doc.vulnerabilities) || doc.vulnerabilities.length === 0)
    throw new SuppressionFileError(file, "CycloneDX document without vulnerabilities: not a VEX document");
  const refs = componentPurls(doc);
  const docTime = isObject(doc.metadata) ? str(doc.metadata.timestamp) : undefined;
  const statements: VexStatement[] = [];
  doc.vulnerabilities.forEach((v: unknown, index) => {
    const where = `vulnerabilities[${index}]`;
    if (!isObject(v)) throw new SuppressionFileError(file, `${where} is not an object`);
    const analysis = isObject(v.analysis) ? v.analysis : undefined;
    // A vulnerability without an analysis is a BOM's finding, not a VEX statement.
    if (!analysis?.state) return;
    const id = str(v.id);
    if (!id) throw new SuppressionFileError(file, `${where} has no id`);
    const state = str(analysis.state) as string;
    if (!(CYCLONEDX_STATES as readonly string[]).includes(state))
      throw new SuppressionFileError(
        file,
        `${where} (${id}): analysis.state ${JSON.stringify(analysis.state)} is not one of ${CYCLONEDX_STATES.join(", ")}`,
      );
    if (!Array.isArray(v.affects) || v.affects.length === 0)
      throw new SuppressionFileError(file, `${where} (${id}) has no affects`);
    const products: VexProduct[] = [];
    v.affects.forEach((a: unknown, j) => {
      const ref = isObject(a) ? str(a.ref) : undefined;
      if (!ref) throw new SuppressionFileError(file, `${where}.affects[${j}] has no ref`);
      const link = /^urn:cdx:[^#]+#(.+)$/.exec(ref);
      const local = link ? decodeURIComponent(link[1] as string) : ref;
      const purl = purlOf(ref) ?? refs.get(local) ?? refs.get(ref);
      const versions = isObject(a) && Array.isArray(a.versions) ? a.versions : [];
      const listed: string[] = [];
      versions.forEach((ver: unknown, k) => {
        if (isObject(ver) && ver.range !== undefined)
          throw new SuppressionFileError(
            file,
            `${where}.affects[${j}].versions[${k}] (${id}): version ranges are not supported; list the versions, or put the version in the purl`,
          );
        const version = isObject(ver) ? str(ver.version) : undefined;
        if (!version) throw new SuppressionFileError(file, `${where}.affects[${j}].versions[${k}] has no version`);
        listed.push(version);
      });
      // Listed versions narrow a versionless purl; a purl that already has one says it all.
      if (purl && listed.length > 0 && !parsePurl(purl)?.version) {
        for (const version of listed) products.push({ id: ref, purl: withVersion(purl, version), subcomponents: [] });
      } else products.push({ id: ref, ...optionalPurl(purl), subcomponents: [] });
    });
    const aliases = Array.isArray(v.references)
      ? v.references.flatMap((r) => (isObject(r) && str(r.id) ? [str(r.id) as string] : []))
      : [];
    const statement: VexStatement = {
      file,
      format: "cyclonedx",
      index,
      vulnerability: id,
      aliases,
      products,
      status: state,
      suppresses: SUPPRESSING.has(state),
    };
    const justification = str(analysis.justification);
    if (justification) statement.justification = justification;
    const detail = str(analysis.detail);
    if (detail) statement.impactStatement = detail;
    const timestamp = str(analysis.lastUpdated) ?? str(analysis.firstIssued) ?? str(v.updated) ?? docTime;
    if (timestamp) statement.timestamp = timestamp;
    statements.push(statement);
  });
  if (statements.length === 0)
    throw new SuppressionFileError(file, "no vulnerability has an analysis.state: not a CycloneDX VEX document");
  return statements;
}
